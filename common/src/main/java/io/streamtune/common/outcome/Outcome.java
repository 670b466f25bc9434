package io.streamtune.common.outcome;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * What became of one input at any stage, from ingest's readers to preprocessing (decode, validate,
 * clean, transform): the value it became, or why it was turned away together with what its dead
 * letter needs. One type for every stage, so the ingest producer, the Flink job, the batch mode and
 * the tests route rejections alike.
 *
 * @param <T> what an accepted input became
 */
public sealed interface Outcome<T> {

  static <T> Outcome<T> accepted(T value) {
    return new Accepted<>(value);
  }

  /**
   * @param recordId the raw record's id; {@code null} when the bytes did not decode
   */
  static <T> Outcome<T> rejected(String stage, String reason, String recordId) {
    return new Rejected<>(stage, reason, recordId, null);
  }

  /** The same outcome with the accepted value mapped; a rejection stays as it is. */
  <U> Outcome<U> map(Function<? super T, ? extends U> mapper);

  record Accepted<T>(T value) implements Outcome<T> {
    public Accepted {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public <U> Outcome<U> map(Function<? super T, ? extends U> mapper) {
      return new Accepted<>(mapper.apply(value));
    }
  }

  /**
   * @param stage the stage that turned it away: one of preprocess-core's {@code
   *     DeadLetters.STAGES}, or ingest's {@code IngestOutcomes.STAGE}
   * @param reason human-readable; every problem found, separated by "; "
   * @param recordId the raw record's id; {@code null} when the bytes did not decode
   * @param source the envelope as read from Kafka, or for ingest the reader's location with
   *     partition and offset -1 (its bytes go into the dead letter); {@code null} where there was
   *     none, as in the batch mode
   */
  record Rejected<T>(String stage, String reason, String recordId, RawEnvelope source)
      implements Outcome<T> {
    private static final RawEnvelope NO_SOURCE = new RawEnvelope("", -1, -1L, null, null);

    public Rejected {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public <U> Outcome<U> map(Function<? super T, ? extends U> mapper) {
      return retyped();
    }

    /** The same rejection as one of another value type: it holds no value. */
    @SuppressWarnings("unchecked")
    public <U> Rejected<U> retyped() {
      return (Rejected<U>) this;
    }

    /** This rejection, tied to the envelope it came from (kept when it already has one). */
    public Rejected<T> from(RawEnvelope envelope) {
      return source != null ? this : new Rejected<>(stage, reason, recordId, envelope);
    }

    /**
     * The dead letter: the original bytes and coordinates (unknown without a source), bounded by
     * {@link DeadLetterRecords}.
     */
    public DeadLetter deadLetter(Instant at) {
      RawEnvelope envelope = source == null ? NO_SOURCE : source;
      return DeadLetterRecords.of(
          new DeadLetterRecords.Origin(envelope.topic, envelope.partition, envelope.offset),
          recordId,
          envelope.key,
          envelope.value,
          stage,
          reason,
          at);
    }
  }
}
