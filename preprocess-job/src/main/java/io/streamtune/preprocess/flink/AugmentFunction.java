package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.media.MediaAugmenter;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.schemas.avro.Example;
import io.streamtune.spec.PipelineSpec;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * The original of every record and, for training records only, its augmented copies ({@link
 * MediaAugmenter}). Stateless and deterministic per record, so it runs at the job's parallelism and
 * a replay after a failure emits the same copies.
 */
public final class AugmentFunction extends RichFlatMapFunction<MediaRecord, Example> {

  private static final long serialVersionUID = 1L;

  private final PipelineSpec spec;

  private transient MediaAugmenter augmenter;
  private transient Counter originals;
  private transient Counter augmented;

  public AugmentFunction(PipelineSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  @Override
  public void open(OpenContext openContext) {
    augmenter = MediaAugmenter.of(spec);
    originals = getRuntimeContext().getMetricGroup().counter("originalExamples");
    augmented = getRuntimeContext().getMetricGroup().counter("augmentedExamples");
  }

  @Override
  public void flatMap(MediaRecord record, Collector<Example> out) {
    originals.inc();
    augmented.inc(augmenter.expand(record, out::collect));
  }
}
