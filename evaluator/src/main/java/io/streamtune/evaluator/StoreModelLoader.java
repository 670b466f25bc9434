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
import java.nio.file.Files;
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

  private final Path storeRoot;
  private MiniLmEncoder encoder;
  private final EmbeddingCache cache = new EmbeddingCache(EMBEDDING_CACHE_ENTRIES);

  /**
   * @param storeRoot the model store: a version is loaded only from its own directory in it
   */
  public StoreModelLoader(Path storeRoot) {
    this.storeRoot = storeRoot.toAbsolutePath().normalize();
  }

  @Override
  public ScoringModel load(ModelVersion version) {
    Path versionDir = checkedVersionDir(version);
    ModelStore store = new ModelStore(storeRoot);
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

  /**
   * The version's directory, if {@code storePath} names exactly that version's folder of this
   * store. A {@code models} record is input: loading whatever directory it names would let any
   * producer to the topic make the evaluator deserialize files of its choosing.
   */
  private Path checkedVersionDir(ModelVersion version) {
    Path named = Path.of(version.getStorePath()).toAbsolutePath().normalize();
    Path expected;
    try {
      expected = new ModelStore(storeRoot).versionDir(version.getModelId(), version.getVersion());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "model id '" + version.getModelId() + "' cannot name a store folder; not loaded", e);
    }
    expected = expected.toAbsolutePath().normalize();
    boolean inside = named.equals(expected);
    if (inside && Files.exists(named)) {
      try {
        // a symbolic link in the store may still point elsewhere
        inside = named.toRealPath().startsWith(storeRoot.toRealPath());
      } catch (IOException e) {
        inside = false;
      }
    }
    if (!inside) {
      throw new IllegalArgumentException(
          "storePath "
              + version.getStorePath()
              + " is not the folder of "
              + version.getModelId()
              + " v"
              + version.getVersion()
              + " in the model store "
              + storeRoot
              + "; not loaded");
    }
    return named;
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

  /**
   * A version that scores texts: it has no feature width and refuses feature rows; every holdout
   * example must carry a text.
   */
  private abstract static class TextVersion implements ScoringModel {
    final ModelMetadata metadata;

    TextVersion(ModelMetadata metadata) {
      this.metadata = metadata;
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
      for (int i = 0; i < holdout.size(); i++) {
        if (holdout.texts().get(i) == null) {
          throw new IllegalArgumentException(
              "holdout example " + holdout.ids().get(i) + " has no text to score");
        }
      }
      return predictTexts(holdout);
    }

    abstract int[] predictTexts(HoldoutSet.Snapshot holdout);
  }

  /** A fine-tuned transformer, batched through the whole model. */
  private static final class TransformerScoringModel extends TextVersion {
    private final BertClassifierStore.Loaded loaded;

    TransformerScoringModel(BertClassifierStore.Loaded loaded) {
      super(loaded.metadata());
      this.loaded = loaded;
    }

    @Override
    int[] predictTexts(HoldoutSet.Snapshot holdout) {
      return loaded.predictClasses(holdout.texts());
    }

    @Override
    public void close() {
      loaded.close();
    }
  }

  /** A linear head over frozen MiniLM embeddings (shared encoder and cache) or hashed tf-idf. */
  private final class TextScoringModel extends TextVersion {
    private final TextClassifier classifier;

    TextScoringModel(ModelMetadata metadata, TextClassifier classifier) {
      super(metadata);
      this.classifier = classifier;
    }

    @Override
    int[] predictTexts(HoldoutSet.Snapshot holdout) {
      boolean minilm = classifier.features() == TextClassifier.Features.MINILM;
      return classifier.predict(
          holdout.ids(), holdout.texts(), minilm ? encoder() : null, minilm ? cache : null);
    }

    @Override
    public void close() {}
  }
}
