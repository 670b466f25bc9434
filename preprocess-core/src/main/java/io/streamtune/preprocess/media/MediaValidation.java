package io.streamtune.preprocess.media;

/** What {@link MediaValidator} decided about one record. */
public sealed interface MediaValidation {

  record Valid(MediaRecord record) implements MediaValidation {}

  /**
   * @param reason human-readable; every problem found, separated by "; "
   */
  record Rejected(String reason) implements MediaValidation {}
}
