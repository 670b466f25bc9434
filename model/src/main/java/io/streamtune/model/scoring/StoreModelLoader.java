package io.streamtune.model.scoring;

import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.model.gbt.GbtClassifier;
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
 * (the tabular MLP, the image CNN), gradient-boosted trees ({@link GbtClassifier}), text
 * classifiers (a linear head over MiniLM or tf-idf features) and fine-tuned MiniLM classifiers
 * ({@link BertClassifierStore}, scored in batches on the default device).
 *
 * <p>For MiniLM heads one encoder is created on first use and kept, with the embeddings cached by
 * row id, so each holdout text is encoded once however many versions are scored. The cache is
 * shared by every model this loader loaded: score rows of different texts under different ids.
 *
 * <p>The evaluator scores holdouts with it and the serving path answers requests with it.
 */
public final class StoreModelLoader implements ModelLoader, AutoCloseable {

  private static final int EMBEDDING_CACHE_ENTRIES = 100_000;

  private final Path storeRoot;
  private MiniLmEncoder encoder;
  private final boolean ownsEncoder;
  private final EmbeddingCache cache;

  /**
   * With MiniLM embeddings cached by row id (the evaluator's holdout: ids name one text each).
   *
   * @param storeRoot the model store: a version is loaded only from its own directory in it
   */
  public StoreModelLoader(Path storeRoot) {
    this(storeRoot, true);
  }

  /**
   * @param storeRoot the model store: a version is loaded only from its own directory in it
   * @param cacheEmbeddings whether MiniLM embeddings are cached by row id; off where one id may
   *     come with different texts (requests served to clients)
   */
  public StoreModelLoader(Path storeRoot, boolean cacheEmbeddings) {
    this.storeRoot = storeRoot.toAbsolutePath().normalize();
    this.cache = cacheEmbeddings ? new EmbeddingCache(EMBEDDING_CACHE_ENTRIES) : null;
    this.ownsEncoder = true;
  }

  /**
   * With a MiniLM encoder and embedding cache shared with whoever trained the heads (model
   * selection: each text is encoded once, for training and scoring alike). The caller closes the
   * encoder; ids must name one text each.
   */
  public StoreModelLoader(Path storeRoot, MiniLmEncoder sharedEncoder, EmbeddingCache sharedCache) {
    this.storeRoot = storeRoot.toAbsolutePath().normalize();
    this.encoder = java.util.Objects.requireNonNull(sharedEncoder, "sharedEncoder");
    this.cache = java.util.Objects.requireNonNull(sharedCache, "sharedCache");
    this.ownsEncoder = false;
  }

  @Override
  public ScoringModel load(ModelVersion version) {
    Path versionDir = checkedVersionDir(version);
    ModelStore store = new ModelStore(storeRoot);
    ModelMetadata metadata = store.readMetadata(versionDir);
    if (BertClassifier.ARCHITECTURE.equals(metadata.architecture())) {
      return new TransformerScoringModel(BertClassifierStore.load(store, versionDir));
    }
    if (GbtClassifier.ARCHITECTURE.equals(metadata.architecture())) {
      return new GbtScoringModel(
          metadata, GbtClassifier.read(versionDir, metadata.numClasses(), metadata.featureCount()));
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
   * producer to the topic make the evaluator deserialize files of its choosing. Read any other file
   * of a version (its fitted transform) from this directory only.
   *
   * @throws IllegalArgumentException naming the path when it is not that folder
   */
  public Path checkedVersionDir(ModelVersion version) {
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

  /** Number of texts MiniLM encoded through the cache so far (each at most once while cached). */
  public long textsEncoded() {
    return cache == null ? 0 : cache.encodedCount();
  }

  private synchronized MiniLmEncoder encoder() {
    if (encoder == null) {
      encoder = new MiniLmEncoder(MiniLmEncoder.Options.defaults(1));
    }
    return encoder;
  }

  @Override
  public synchronized void close() {
    if (encoder != null && ownsEncoder) {
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
    public float[][] probabilities(ScoringInputs inputs) {
      return stored.predictProbabilities(inputs.features());
    }

    @Override
    public int[] predict(ScoringInputs inputs) {
      return stored.predict(inputs.features());
    }

    @Override
    public float[][] embeddings(ScoringInputs inputs) {
      return stored.penultimate(inputs.features());
    }

    @Override
    public void close() {
      stored.close();
    }
  }

  /** Gradient-boosted trees over the transformed feature rows. */
  private record GbtScoringModel(ModelMetadata metadata, GbtClassifier classifier)
      implements ScoringModel {
    @Override
    public List<String> labels() {
      return metadata.labels();
    }

    @Override
    public int featureCount() {
      return classifier.featureCount();
    }

    @Override
    public float[][] probabilities(ScoringInputs inputs) {
      return classifier.probabilities(inputs.features());
    }

    @Override
    public void close() {
      classifier.close();
    }
  }

  /** A version that scores texts: it has no feature width; every row must carry a text. */
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
    public float[][] probabilities(ScoringInputs inputs) {
      requireTexts(inputs);
      return probabilitiesOfTexts(inputs);
    }

    @Override
    public int[] predict(ScoringInputs inputs) {
      requireTexts(inputs);
      return predictTexts(inputs);
    }

    @Override
    public float[][] embeddings(ScoringInputs inputs) {
      requireTexts(inputs);
      return embeddingsOfTexts(inputs);
    }

    private void requireTexts(ScoringInputs inputs) {
      for (int i = 0; i < inputs.size(); i++) {
        if (inputs.texts().get(i) == null) {
          throw new IllegalArgumentException(
              "row "
                  + inputs.ids().get(i)
                  + " has no text; model "
                  + metadata.modelId()
                  + " v"
                  + metadata.version()
                  + " scores texts");
        }
      }
    }

    abstract float[][] probabilitiesOfTexts(ScoringInputs inputs);

    abstract int[] predictTexts(ScoringInputs inputs);

    abstract float[][] embeddingsOfTexts(ScoringInputs inputs);
  }

  /** A fine-tuned transformer, batched through the whole model. */
  private static final class TransformerScoringModel extends TextVersion {
    private final BertClassifierStore.Loaded loaded;

    TransformerScoringModel(BertClassifierStore.Loaded loaded) {
      super(loaded.metadata());
      this.loaded = loaded;
    }

    @Override
    float[][] probabilitiesOfTexts(ScoringInputs inputs) {
      return loaded.predictProbabilities(inputs.texts());
    }

    @Override
    int[] predictTexts(ScoringInputs inputs) {
      return loaded.predictClasses(inputs.texts());
    }

    @Override
    float[][] embeddingsOfTexts(ScoringInputs inputs) {
      return loaded.embeddings(inputs.texts());
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

    private boolean minilm() {
      return classifier.features() == TextClassifier.Features.MINILM;
    }

    @Override
    float[][] probabilitiesOfTexts(ScoringInputs inputs) {
      synchronized (StoreModelLoader.this) {
        return classifier.probabilities(
            inputs.ids(), inputs.texts(), minilm() ? encoder() : null, minilm() ? cache : null);
      }
    }

    /** By the head's logits, as the trainer's validation ranks it. */
    @Override
    int[] predictTexts(ScoringInputs inputs) {
      synchronized (StoreModelLoader.this) {
        return classifier.predict(
            inputs.ids(), inputs.texts(), minilm() ? encoder() : null, minilm() ? cache : null);
      }
    }

    @Override
    float[][] embeddingsOfTexts(ScoringInputs inputs) {
      synchronized (StoreModelLoader.this) {
        return classifier.embeddings(
            inputs.ids(), inputs.texts(), minilm() ? encoder() : null, minilm() ? cache : null);
      }
    }

    @Override
    public void close() {}
  }
}
