package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes.WrongRecordTypeException;
import java.time.Clock;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The first step of every intake (tabular, image, text): raw bytes to a {@link RawRecord}, or a
 * dead letter of stage {@code deserialize} with the reason. Bad bytes never throw; only an
 * unreachable schema registry does, because that says nothing about the record and must not
 * dead-letter good data.
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
      if (isInfrastructureFailure(e)) {
        throw new IllegalStateException(
            "cannot decode " + envelope + ": schema registry unreachable", e);
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

  /** Network trouble shows up as a java.net exception somewhere in the cause chain. */
  static boolean isInfrastructureFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("java.net.")) {
        return true;
      }
    }
    return false;
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
