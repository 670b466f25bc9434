package io.streamtune.preprocess.core;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes.WrongRecordTypeException;
import io.streamtune.schemas.serde.RegistryOutages;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The first step of every intake (tabular, image, text): raw bytes to a {@link RawRecord}, or a
 * dead letter of stage {@code deserialize} with the reason. Bad bytes never throw; only a schema
 * registry outage does ({@link RegistryOutages}: unreachable, 401/403/429/5xx), because that says
 * nothing about the record and must not dead-letter good data.
 */
public final class RawDecoding {

  private RawDecoding() {}

  public static Outcome<RawRecord> decode(
      RawEnvelope envelope, Deserializer<RawRecord> deserializer) {
    if (envelope.value == null || envelope.value.length == 0) {
      return rejected(envelope, "empty value");
    }
    RawRecord record;
    try {
      record = deserializer.deserialize(envelope.topic, envelope.value);
    } catch (WrongRecordTypeException e) {
      return rejected(envelope, "wrong record type: " + e.getMessage());
    } catch (RuntimeException e) {
      if (RegistryOutages.isOutage(e)) {
        // the task fails and restarts from its checkpoint: the record is read again, not lost
        throw new IllegalStateException(
            "cannot decode " + envelope + ": schema registry unavailable", e);
      }
      return rejected(envelope, "not a Confluent-Avro RawRecord: " + describe(e));
    }
    if (record == null) {
      return rejected(envelope, "empty value");
    }
    return Outcome.accepted(record);
  }

  private static Outcome<RawRecord> rejected(RawEnvelope envelope, String reason) {
    return new Outcome.Rejected<>(DeadLetters.STAGE_DESERIALIZE, reason, null, envelope);
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
