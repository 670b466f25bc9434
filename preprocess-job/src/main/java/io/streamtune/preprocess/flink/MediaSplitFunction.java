package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.media.MediaRecord;
import org.apache.flink.api.common.functions.MapFunction;

/** Stamps each image or text record with its split, decided by {@link Splitter} from its id. */
public final class MediaSplitFunction implements MapFunction<MediaRecord, MediaRecord> {

  private static final long serialVersionUID = 1L;

  private final Splitter splitter;

  public MediaSplitFunction(Splitter splitter) {
    this.splitter = splitter;
  }

  @Override
  public MediaRecord map(MediaRecord record) {
    // records are not shared between operators (Flink copies them unless object reuse is on)
    record.split = splitter.splitOf(record.id);
    return record;
  }
}
