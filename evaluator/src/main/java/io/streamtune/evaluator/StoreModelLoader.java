package io.streamtune.evaluator;

import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.model.text.EmbeddingCache;
import io.streamtune.model.text.MiniLmEncoder;
import io.streamtune.model.text.TextClassifier;
import io.streamtune.model.text.bert.BertClassifier;
import io.streamtune.model.text.bert.BertClassifierStore;
import io.streamtune.schemas.avro.ModelVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads versions from the model store directory named by {@code ModelVersion.storePath}: DJL models
 * (the tabular MLP, the image CNN), text classifiers (a linear head over MiniLM or tf-idf features)
 * and fine-tuned MiniLM classifiers ({@link BertClassifierStore}, scored in batches on the default
 * device).
 *
 * <p>For MiniLM heads one encoder is created on first use and kept, with the holdout's embeddings
 * cached by example id, so each holdout text is encoded once however many versions are scored.
 */
public final class StoreModelLoader implements ModelLoader, AutoCloseable {

  private static final int EMBEDDING_CACHE_ENTRIES = 100_000;

  private MiniLmEncoder encoder;
  private final EmbeddingCache cache = new EmbeddingCache(EMBEDDING_CACHE_ENTRIES);

  @Override
  public ScoringModel load(ModelVersion version) {
    Path versionDir = Path.of(version.getStorePath()).toAbsolutePath().normalize();
    // the store's root only matters for writing; loading reads the version directory alone
    Path root = versionDir.getParent() == null ? versionDir : versionDir.getParent();
    ModelStore store = new ModelStore(root);
    ModelMetadata metadata = store.readMetadata(versionDir);
    if (BertClassifier.ARCHITECTURE.equals(metadata.architecture())) {
      return new TransformerScoringModel(BertClassifierStore.load(store, versionDir));
    }
    TextClassifier.Features features = TextClassifier.featuresOf(metadata.architecture());
    if (features != null) {
      try {
        return new TextScoringModel(metadata, TextClassifier.read(versionDir, features));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read the text classifier in " + versionDir + ": " + e.getMessage(), e);
      }
    }
    StoredModel stored = store.load(versionDir);
    return new StoredScoringModel(stored);
  }

  /** Number of holdout texts MiniLM encoded so far (each at most once while cached). */
  public long textsEncoded() {
    return cache.encodedCount();
  }

  private MiniLmEncoder encoder() {
    if (encoder == null) {
      encoder = new MiniLmEncoder(MiniLmEncoder.Options.defaults(1));
    }
    return encoder;
  }

  @Override
  public void close() {
    if (encoder != null) {
      encoder.close();
      encoder = null;
    }
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

  /** Checks that every holdout example carries a text. */
  private static void requireTexts(HoldoutSet.Snapshot holdout) {
    for (int i = 0; i < holdout.size(); i++) {
      if (holdout.texts().get(i) == null) {
        throw new IllegalArgumentException(
            "holdout example " + holdout.ids().get(i) + " has no text to score");
      }
    }
  }

  /** A fine-tuned transformer: texts reduced as in training, batched through the whole model. */
  private record TransformerScoringModel(BertClassifierStore.Loaded loaded)
      implements ScoringModel {
    @Override
    public List<String> labels() {
      return loaded.metadata().labels();
    }

    /** Text examples carry no features: the holdout's width is 0. */
    @Override
    public int featureCount() {
      return 0;
    }

    @Override
    public int[] predict(float[][] features) {
      throw new UnsupportedOperationException(
          "model "
              + loaded.metadata().modelId()
              + " v"
              + loaded.metadata().version()
              + " scores texts");
    }

    @Override
    public int[] predict(HoldoutSet.Snapshot holdout) {
      requireTexts(holdout);
      return loaded.predictClasses(holdout.texts());
    }

    @Override
    public void close() {
      loaded.close();
    }
  }

  private final class TextScoringModel implements ScoringModel {
    private final ModelMetadata metadata;
    private final TextClassifier classifier;

    TextScoringModel(ModelMetadata metadata, TextClassifier classifier) {
      this.metadata = metadata;
      this.classifier = classifier;
    }

    @Override
    public List<String> labels() {
      return metadata.labels();
    }

    /** Text examples carry no features: the holdout's width is 0. */
    @Override
    public int featureCount() {
      return 0;
    }

    @Override
    public int[] predict(float[][] features) {
      throw new UnsupportedOperationException(
          "model " + metadata.modelId() + " v" + metadata.version() + " scores texts");
    }

    @Override
    public int[] predict(HoldoutSet.Snapshot holdout) {
      requireTexts(holdout);
      boolean minilm = classifier.features() == TextClassifier.Features.MINILM;
      return classifier.predict(
          holdout.ids(), holdout.texts(), minilm ? encoder() : null, minilm ? cache : null);
    }

    @Override
    public void close() {}
  }
}
