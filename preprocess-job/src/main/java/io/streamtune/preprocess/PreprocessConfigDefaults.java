package io.streamtune.preprocess;

/** Defaults shared by {@link PreprocessConfig} and the operators built without a config. */
public final class PreprocessConfigDefaults {

  /** Training rows fitted between two published versions of the fitted transform. */
  public static final long TRANSFORM_PUBLISH_EVERY = 1000;

  private PreprocessConfigDefaults() {}
}
