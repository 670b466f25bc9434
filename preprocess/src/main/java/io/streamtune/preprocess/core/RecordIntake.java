package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes.WrongRecordTypeException;
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
      if (isInfrastructureFailure(e)) {
        throw new IllegalStateException(
            "cannot decode " + envelope + ": schema registry unreachable", e);
      }
      return rejected(
          envelope,
          DeadLetters.STAGE_DESERIALIZE,
          "not a Confluent-Avro RawRecord: " + describe(e),
          null);
    }
    if (record == null) {
      return rejected(envelope, DeadLetters.STAGE_DESERIALIZE, "empty value", null);
    }
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

  /** Network trouble shows up as a java.net exception somewhere in the cause chain. */
  public static boolean isInfrastructureFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("java.net.")) {
        return true;
      }
    }
    return false;
  }

  /** The exception's message and, when it adds something, its root cause's. */
  public static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return message;
  }
}
