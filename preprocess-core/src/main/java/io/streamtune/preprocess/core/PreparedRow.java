package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Example;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A row the tabular transform turned into features.
 *
 * @param version the number of training rows the transform had been fitted on
 */
public record PreparedRow(ValidatedRow row, float[] features, long version) {

  public PreparedRow {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(features, "features");
  }

  /** What the job writes: features, label, split and the version of the fitted transform. */
  public Example toExample() {
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
        .setTransformVersion(version)
        .setAugmentedFrom(null)
        .setSynthetic(false)
        .setParentIds(List.of())
        .build();
  }
}
