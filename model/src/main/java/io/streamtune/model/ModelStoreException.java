package io.streamtune.model;

/** A model version could not be written or read; the message names the path. */
public final class ModelStoreException extends RuntimeException {
  public ModelStoreException(String message) {
    super(message);
  }

  public ModelStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
