package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.ValidatedRow;
import org.apache.flink.api.common.functions.MapFunction;

/** Stamps each row with its split, decided by {@link Splitter} from the record id. */
public final class SplitFunction implements MapFunction<ValidatedRow, ValidatedRow> {

  private static final long serialVersionUID = 1L;

  private final Splitter splitter;

  public SplitFunction(Splitter splitter) {
    this.splitter = splitter;
  }

  @Override
  public ValidatedRow map(ValidatedRow row) {
    return splitter.assign(row);
  }
}
