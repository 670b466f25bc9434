package io.streamtune.evaluator;

import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.file.Path;
import java.util.List;

/** Loads versions from the model store directory named by {@code ModelVersion.storePath}. */
public final class StoreModelLoader implements ModelLoader {

  @Override
  public ScoringModel load(ModelVersion version) {
    Path versionDir = Path.of(version.getStorePath()).toAbsolutePath().normalize();
    // the store's root only matters for writing; loading reads the version directory alone
    Path root = versionDir.getParent() == null ? versionDir : versionDir.getParent();
    StoredModel stored = new ModelStore(root).load(versionDir);
    return new StoredScoringModel(stored);
  }

  private record StoredScoringModel(StoredModel stored) implements ScoringModel {
    @Override
    public List<String> labels() {
      return stored.metadata().labels();
    }

    @Override
    public int featureCount() {
      return stored.metadata().featureCount();
    }

    @Override
    public int[] predict(float[][] features) {
      return stored.predict(features);
    }

    @Override
    public void close() {
      stored.close();
    }
  }
}
