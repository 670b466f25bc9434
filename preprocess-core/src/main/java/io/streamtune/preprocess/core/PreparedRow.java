package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.serde.FloatArrayList;
import java.time.Instant;
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
    // the all-fields constructor: the builder validates and deep-copies a default per field
    return new Example(
        row.id(),
        row.id(),
        Instant.ofEpochMilli(row.eventTimeMillis()),
        row.split(),
        row.label(),
        row.labelIndex(),
        new FloatArrayList(features),
        version,
        null,
        false,
        List.of(),
        null,
        null);
  }
}
