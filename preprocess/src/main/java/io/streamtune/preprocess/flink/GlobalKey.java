package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.ValidatedRow;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys every row alike: the fitted statistics are global, so one keyed state holds them (and the
 * fit/transform operator needs only one subtask).
 */
public final class GlobalKey implements KeySelector<ValidatedRow, Integer> {

  private static final long serialVersionUID = 1L;

  public static final Integer KEY = 0;

  @Override
  public Integer getKey(ValidatedRow row) {
    return KEY;
  }
}
