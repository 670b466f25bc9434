package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.Splittable;
import io.streamtune.preprocess.core.Splitter;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Stamps each record (tabular row, image or text) with its split, decided by {@link Splitter} from
 * the record id.
 */
public final class SplitFunction<T extends Splittable<T>> implements MapFunction<T, T> {

  private static final long serialVersionUID = 1L;

  private final Splitter splitter;

  public SplitFunction(Splitter splitter) {
    this.splitter = splitter;
  }

  @Override
  public T map(T record) {
    return splitter.assign(record);
  }
}
