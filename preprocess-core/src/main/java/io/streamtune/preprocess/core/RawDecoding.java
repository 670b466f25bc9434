package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes.WrongRecordTypeException;
import io.streamtune.schemas.serde.RegistryOutages;
import java.time.Clock;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The first step of every intake (tabular, image, text): raw bytes to a {@link RawRecord}, or a
 * dead letter of stage {@code deserialize} with the reason. Bad bytes never throw; only a schema
 * registry outage does ({@link RegistryOutages}: unreachable, 401/403/429/5xx), because that says
 * nothing about the record and must not dead-letter good data.
 */
public final class RawDecoding {

  /** Exactly one of the two is set. */
  public record Decoded(RawRecord record, DeadLetter deadLetter) {}

  private RawDecoding() {}

  public static Decoded decode(
      RawEnvelope envelope, Deserializer<RawRecord> deserializer, Clock clock) {
    if (envelope.value == null || envelope.value.length == 0) {
      return rejected(envelope, "empty value", clock);
    }
    RawRecord record;
    try {
      record = deserializer.deserialize(envelope.topic, envelope.value);
    } catch (WrongRecordTypeException e) {
      return rejected(envelope, "wrong record type: " + e.getMessage(), clock);
    } catch (RuntimeException e) {
      if (RegistryOutages.isOutage(e)) {
        // the task fails and restarts from its checkpoint: the record is read again, not lost
        throw new IllegalStateException(
            "cannot decode " + envelope + ": schema registry unavailable", e);
      }
      return rejected(envelope, "not a Confluent-Avro RawRecord: " + describe(e), clock);
    }
    if (record == null) {
      return rejected(envelope, "empty value", clock);
    }
    return new Decoded(record, null);
  }

  private static Decoded rejected(RawEnvelope envelope, String reason, Clock clock) {
    return new Decoded(
        null,
        DeadLetters.of(envelope, DeadLetters.STAGE_DESERIALIZE, reason, null, clock.instant()));
  }

  /** The exception's message and, when it adds something, its root cause's. */
  static String describe(Throwable e) {
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
