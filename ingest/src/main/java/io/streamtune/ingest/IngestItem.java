package io.streamtune.ingest;

import io.streamtune.schemas.avro.RawRecord;
import java.util.Iterator;

/** What a reader yields: a record to produce, or an input it could not turn into one, with why. */
public sealed interface IngestItem {

  /** A record for the raw topic. */
  record Accepted(RawRecord record) implements IngestItem {}

  /**
   * An input the reader rejected; it goes to the dead-letter topic with its original bytes.
   *
   * @param location where it was, e.g. {@code spam.jsonl:17} or a file path
   */
  record Rejected(String location, byte[] original, String reason) implements IngestItem {}

  /** Wraps a reader that never rejects (every input becomes a record). */
  static Iterator<IngestItem> acceptAll(Iterator<RawRecord> records) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public IngestItem next() {
        return new Accepted(records.next());
      }
    };
  }
}
