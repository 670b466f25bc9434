package io.streamtune.preprocess.core;

/** What {@link RecordValidator} decided about one record. */
public sealed interface Validation {

  record Valid(ValidatedRow row) implements Validation {}

  /**
   * @param reason human-readable; every problem found, separated by "; "
   */
  record Rejected(String reason) implements Validation {}
}
