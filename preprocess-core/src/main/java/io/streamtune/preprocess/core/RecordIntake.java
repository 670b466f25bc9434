package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes and validates one raw envelope: either a validated row or a dead letter naming the stage
 * and the reason. Bad bytes never throw; only an unreachable schema registry does, because that
 * says nothing about the record and must not dead-letter good data.
 */
public final class RecordIntake {

  /** What became of one envelope. */
  public sealed interface Outcome {
    record Accepted(ValidatedRow row) implements Outcome {}

    record Rejected(DeadLetter deadLetter) implements Outcome {}
  }

  private final Deserializer<RawRecord> deserializer;
  private final RecordValidator validator;
  private final Clock clock;

  public RecordIntake(
      Deserializer<RawRecord> deserializer, RecordValidator validator, Clock clock) {
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Outcome accept(RawEnvelope envelope) {
    RawDecoding.Decoded decoded = RawDecoding.decode(envelope, deserializer, clock);
    if (decoded.deadLetter() != null) {
      return new Outcome.Rejected(decoded.deadLetter());
    }
    RawRecord record = decoded.record();
    Validation validation = validator.validate(record);
    if (validation instanceof Validation.Valid valid) {
      return new Outcome.Accepted(valid.row().withSource(envelope));
    }
    String reason = ((Validation.Rejected) validation).reason();
    return rejected(envelope, DeadLetters.STAGE_VALIDATE, reason, record.getId());
  }

  private Outcome rejected(RawEnvelope envelope, String stage, String reason, String recordId) {
    return new Outcome.Rejected(DeadLetters.of(envelope, stage, reason, recordId, clock.instant()));
  }
}
