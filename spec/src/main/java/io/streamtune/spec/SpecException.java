package io.streamtune.spec;

/** The pipeline spec is invalid; the message names the key and what is allowed. */
public final class SpecException extends RuntimeException {
  public SpecException(String message) {
    super(message);
  }

  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
