package io.streamtune.model.scoring;

import io.streamtune.schemas.avro.ModelVersion;

/** Loads the stored files of a published model version. */
@FunctionalInterface
public interface ModelLoader {

  /**
   * @throws RuntimeException with a message naming the path when the version cannot be loaded
   */
  ScoringModel load(ModelVersion version);
}
