package io.streamtune.ingest;

/** An input file cannot be ingested as asked; the message says why. */
public final class IngestException extends RuntimeException {
  public IngestException(String message) {
    super(message);
  }
}
