package io.streamtune.preprocess.media;

import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.preprocess.core.RecordIntake;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes.WrongRecordTypeException;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes and validates one raw envelope of an image or text pipeline: either a media record or a
 * dead letter naming the stage and the reason. Bad bytes never throw; only an unreachable schema
 * registry does (as in {@link RecordIntake}), because that says nothing about the record.
 */
public final class MediaIntake {

  /** What became of one envelope. */
  public sealed interface Outcome {
    record Accepted(MediaRecord record) implements Outcome {}

    record Rejected(DeadLetter deadLetter) implements Outcome {}
  }

  private final Deserializer<RawRecord> deserializer;
  private final MediaValidator validator;
  private final Clock clock;

  public MediaIntake(Deserializer<RawRecord> deserializer, MediaValidator validator, Clock clock) {
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Outcome accept(RawEnvelope envelope) {
    if (envelope.value == null || envelope.value.length == 0) {
      return rejected(envelope, DeadLetters.STAGE_DESERIALIZE, "empty value", null);
    }
    RawRecord record;
    try {
      record = deserializer.deserialize(envelope.topic, envelope.value);
    } catch (WrongRecordTypeException e) {
      return rejected(
          envelope, DeadLetters.STAGE_DESERIALIZE, "wrong record type: " + e.getMessage(), null);
    } catch (RuntimeException e) {
      if (RecordIntake.isInfrastructureFailure(e)) {
        throw new IllegalStateException(
            "cannot decode " + envelope + ": schema registry unreachable", e);
      }
      return rejected(
          envelope,
          DeadLetters.STAGE_DESERIALIZE,
          "not a Confluent-Avro RawRecord: " + RecordIntake.describe(e),
          null);
    }
    if (record == null) {
      return rejected(envelope, DeadLetters.STAGE_DESERIALIZE, "empty value", null);
    }
    MediaValidation validation = validator.validate(record);
    if (validation instanceof MediaValidation.Valid valid) {
      return new Outcome.Accepted(valid.record());
    }
    String reason = ((MediaValidation.Rejected) validation).reason();
    return rejected(envelope, DeadLetters.STAGE_VALIDATE, reason, record.getId());
  }

  private Outcome rejected(RawEnvelope envelope, String stage, String reason, String recordId) {
    return new Outcome.Rejected(DeadLetters.of(envelope, stage, reason, recordId, clock.instant()));
  }
}
