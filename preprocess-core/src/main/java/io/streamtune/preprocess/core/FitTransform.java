package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the pipeline's outcomes into what the job writes: an {@link Example} per prepared row
 * (features, label, split, and the version of the fitted transform), a {@link DeadLetter} with the
 * original bytes per rejected one.
 */
public final class FitTransform {

  private FitTransform() {}

  public static Example example(TabularPipeline.Outcome.Prepared prepared) {
    ValidatedRow row = prepared.row();
    float[] features = prepared.features();
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
        .setTransformVersion(prepared.version())
        .setAugmentedFrom(null)
        .setSynthetic(false)
        .setParentIds(List.of())
        .build();
  }

  /** A dead letter for a row a step rejected; without a source the coordinates are unknown. */
  public static DeadLetter deadLetter(TabularPipeline.Outcome.Rejected rejected, Instant at) {
    RawEnvelope source = rejected.row().source();
    if (source == null) {
      source = new RawEnvelope("", -1, -1L, null, null);
    }
    return DeadLetters.of(source, rejected.stage(), rejected.reason(), rejected.row().id(), at);
  }
}
