package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** Builds dead letters that carry a rejected record exactly as it arrived. */
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
    return DeadLetter.newBuilder()
        .setRecordId(recordId)
        .setTopic(envelope.topic)
        .setPartition(envelope.partition)
        .setOffset(envelope.offset)
        .setOriginalKey(envelope.key == null ? null : ByteBuffer.wrap(envelope.key.clone()))
        .setOriginalValue(envelope.value == null ? null : ByteBuffer.wrap(envelope.value.clone()))
        .setStage(stage)
        .setReason(reason)
        .setFailedAt(failedAt)
        .build();
  }
}
