package io.streamtune.ingest;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.schemas.avro.RawRecord;
import java.util.Iterator;

/**
 * What a reader yields is an {@link Outcome}{@code <RawRecord>}: a record to produce, or an input
 * it could not turn into one, rejected at stage {@value #STAGE} with its original bytes.
 */
public final class IngestOutcomes {

  /** The stage of ingest's rejections: a reader could not make a record, or Kafka refused one. */
  public static final String STAGE = "ingest";

  private IngestOutcomes() {}

  /**
   * An input the reader rejected; it goes to the dead-letter topic with its original bytes, the
   * location as topic and partition and offset -1.
   *
   * @param location where it was, e.g. {@code spam.jsonl:17} or a file path
   */
  public static Outcome<RawRecord> rejected(String location, byte[] original, String reason) {
    return new Outcome.Rejected<>(
        STAGE, reason, null, new RawEnvelope(location, -1, -1L, null, original));
  }

  /** Wraps a reader that never rejects (every input becomes a record). */
  public static Iterator<Outcome<RawRecord>> acceptAll(Iterator<RawRecord> records) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public Outcome<RawRecord> next() {
        return Outcome.accepted(records.next());
      }
    };
  }
}
