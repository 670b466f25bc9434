package io.streamtune.model.scoring;

import io.streamtune.model.ModelMetadata;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The {@code models} record of a version saved in a test's store, as a loader receives it. */
public final class StoredVersions {

  private StoredVersions() {}

  /** The record of the version in {@code versionDir}, described by {@code metadata}. */
  public static ModelVersion of(Path versionDir, ModelMetadata metadata, int featureCount) {
    return ModelVersion.newBuilder()
        .setModelId(metadata.modelId())
        .setVersion(metadata.version())
        .setCreatedAt(Instant.EPOCH)
        .setStorePath(versionDir.toString())
        .setArchitecture(metadata.architecture())
        .setLabels(metadata.labels())
        .setFeatureCount(featureCount)
        .setExamplesTrainedOn(1)
        .setNewExamples(1)
        .setTotalExamplesConsumed(1)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0)
        .setEpochs(1)
        .setDurationMs(1)
        .setDevice("cpu")
        .build();
  }
}
