package io.streamtune.preprocess.core;

import java.util.List;

/**
 * The job's rejection stages. A dead letter itself is built by {@link
 * io.streamtune.common.outcome.Outcome.Rejected#deadLetter}: the rejected record as it arrived.
 */
public final class DeadLetters {

  /** The bytes were not a Confluent-Avro RawRecord. */
  public static final String STAGE_DESERIALIZE = "deserialize";

  /** The record decoded but broke a rule of the pipeline spec. */
  public static final String STAGE_VALIDATE = "validate";

  /** A cleaning step (dropMissing) removed the record. */
  public static final String STAGE_CLEAN = "clean";

  /** A preprocessing step could not produce finite features for the record. */
  public static final String STAGE_TRANSFORM = "transform";

  public static final List<String> STAGES =
      List.of(STAGE_DESERIALIZE, STAGE_VALIDATE, STAGE_CLEAN, STAGE_TRANSFORM);

  private DeadLetters() {}
}
