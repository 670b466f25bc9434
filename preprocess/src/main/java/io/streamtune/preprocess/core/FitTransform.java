package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.spec.PipelineSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fit/transform step for one split row. A training row first updates the statistics and is then
 * transformed with them; a holdout row is transformed with the current statistics and never changes
 * them, so nothing of the holdout leaks into what the model sees.
 */
public final class FitTransform {

  private final TabularTransformer transformer;

  public FitTransform(PipelineSpec spec) {
    this.transformer = new TabularTransformer(spec);
  }

  public TabularStatistics emptyStatistics() {
    return TabularStatistics.empty(transformer.layout());
  }

  /** Returns the example; updates {@code statistics} in place for a training row. */
  public Example apply(ValidatedRow row, TabularStatistics statistics) {
    if (row.split() == null) {
      throw new IllegalArgumentException("row " + row.id() + " has not been split");
    }
    if (row.split() == Split.TRAIN) {
      statistics.fit(row, transformer.layout());
    }
    float[] features = transformer.transform(row, statistics);
    List<Float> featureList = new ArrayList<>(features.length);
    for (float feature : features) {
      featureList.add(feature);
    }
    return Example.newBuilder()
        .setId(row.id())
        .setSourceId(row.id())
        .setEventTime(Instant.ofEpochMilli(row.eventTimeMillis()))
        .setSplit(row.split())
        .setLabel(row.label())
        .setLabelIndex(row.labelIndex())
        .setFeatures(featureList)
        .setTransformVersion(statistics.version())
        .setAugmentedFrom(null)
        .setSynthetic(false)
        .setParentIds(List.of())
        .build();
  }
}
