package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import java.time.Instant;
import java.util.List;

/**
 * Builds the job's dead letters: the rejected record as it arrived, bounded by {@link
 * DeadLetterRecords}.
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

  /**
   * @param recordId the raw record's id, or {@code null} when the bytes did not decode
   */
  public static DeadLetter of(
      RawEnvelope envelope, String stage, String reason, String recordId, Instant failedAt) {
    return DeadLetterRecords.of(
        new DeadLetterRecords.Origin(envelope.topic, envelope.partition, envelope.offset),
        recordId,
        envelope.key,
        envelope.value,
        stage,
        reason,
        failedAt);
  }
}
