package io.streamtune.trainer;

import ai.djl.Model;
import io.streamtune.model.ModelStore;
import io.streamtune.model.text.EmbeddingCache;
import io.streamtune.model.text.FeatureRows;
import io.streamtune.model.text.HashedTfidf;
import io.streamtune.model.text.LinearHead;
import io.streamtune.model.text.LinearHeadTrainer;
import io.streamtune.model.text.MiniLmEncoder;
import io.streamtune.model.text.TextClassifier;
import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The text modality: a tuned linear head ({@link LinearHeadTrainer}, L2 strength chosen on a
 * validation slice of the buffer) over frozen MiniLM embeddings, or over hashed word 1–2-gram
 * tf-idf (the from-scratch baseline, its idf refitted on the buffer each round).
 *
 * <p>MiniLM embeddings are cached per example id: each example goes through the encoder once, not
 * once per round. Each round's head starts from the previous round's.
 */
final class TextLinearHeadRoundTrainer implements ModelTrainer {

  /** Backbones {@code minilm} and {@code tfidf}: a linear head over frozen features. */
  static final ModelTrainerFactory KIND =
      ModelTrainerFactory.of(
          setup -> TextClassifier.architecture(featuresOf(setup.trainer())),
          setup ->
              new TextLinearHeadRoundTrainer(
                  featuresOf(setup.trainer()),
                  setup.trainer(),
                  setup.numClasses(),
                  setup.threads(),
                  null,
                  setup.sharedEmbeddings()),
          (setup, dir) -> resume(dir, setup.trainer(), setup.numClasses(), setup.threads()));

  /**
   * Weights of all-MiniLM-L6-v2 without its pooler (mean pooling is used): embeddings 30522 x 384 +
   * 512 x 384 + 2 x 384 + LayerNorm, and 6 layers of 1,773,184 (22.6M, as the ONNX file holds).
   */
  static final long MINILM_ENCODER_PARAMETERS = 22_557_696L;

  private final TextClassifier.Features features;
  private final TrainerSpec spec;
  private final int numClasses;
  private final MiniLmEncoder encoder;
  private final EmbeddingCache cache;
  private final boolean ownsEncoder;
  private TextClassifier classifier;

  private TextLinearHeadRoundTrainer(
      TextClassifier.Features features,
      TrainerSpec spec,
      int numClasses,
      int threads,
      TextClassifier previous,
      ModelTrainerFactory.SharedEmbeddings shared) {
    this.features = features;
    this.spec = spec;
    this.numClasses = numClasses;
    this.classifier = previous;
    if (features == TextClassifier.Features.MINILM && shared != null) {
      this.encoder = shared.encoder();
      this.cache = shared.cache();
      this.ownsEncoder = false;
    } else if (features == TextClassifier.Features.MINILM) {
      this.encoder = new MiniLmEncoder(MiniLmEncoder.Options.defaults(threads));
      // the buffer plus what arrives between two rounds
      this.cache = new EmbeddingCache(spec.bufferCapacity() + 2 * spec.retrainEvery());
      this.ownsEncoder = true;
    } else {
      this.encoder = null;
      this.cache = null;
      this.ownsEncoder = false;
    }
  }

  static TextClassifier.Features featuresOf(TrainerSpec spec) {
    return TrainerSpec.TFIDF.equals(spec.backboneFor(Modality.TEXT))
        ? TextClassifier.Features.TFIDF
        : TextClassifier.Features.MINILM;
  }

  static TextLinearHeadRoundTrainer create(TrainerSpec spec, int numClasses, int threads) {
    return new TextLinearHeadRoundTrainer(featuresOf(spec), spec, numClasses, threads, null, null);
  }

  static TextLinearHeadRoundTrainer resume(
      Path versionDir, TrainerSpec spec, int numClasses, int threads) {
    TextClassifier.Features features = featuresOf(spec);
    try {
      return new TextLinearHeadRoundTrainer(
          features, spec, numClasses, threads, TextClassifier.read(versionDir, features), null);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the text head in " + versionDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    long start = System.nanoTime();
    List<String> texts = data.texts();
    FeatureRows rows;
    HashedTfidf tfidf = null;
    if (features == TextClassifier.Features.MINILM) {
      rows = FeatureRows.dense(cache.embed(data.ids(), texts, encoder));
    } else {
      tfidf = HashedTfidf.fit(texts);
      rows = FeatureRows.sparse(tfidf.transform(texts), tfidf.buckets());
    }
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("training round cancelled");
    }
    LinearHead warmStart =
        classifier != null && classifier.head().dimensions() == rows.dimensions()
            ? classifier.head()
            : null;
    double validationShare = spec.validationFraction() > 0 ? spec.validationFraction() : 0.2;
    LinearHeadTrainer.Options defaults = LinearHeadTrainer.Options.defaults(spec.seed());
    LinearHeadTrainer.Options options =
        new LinearHeadTrainer.Options(
            defaults.l2Grid(),
            validationShare,
            defaults.maxIterations(),
            defaults.tolerance(),
            spec.seed());
    LinearHeadTrainer.Result fit =
        new LinearHeadTrainer(options).fit(rows, data.labels(), numClasses, warmStart);
    classifier = new TextClassifier(features, fit.head(), tfidf);
    double loss = 0;
    for (int r = 0; r < rows.size(); r++) {
      double p = fit.head().probabilities(rows, r)[data.labels()[r]];
      loss -= Math.log(Math.max(p, 1e-12));
    }
    loss /= rows.size();
    int iterations = fit.grid().stream().mapToInt(LinearHeadTrainer.GridPoint::iterations).sum();
    return new Result(
        loss,
        List.of(loss),
        1,
        iterations,
        data.size(),
        (System.nanoTime() - start) / 1_000_000,
        deviceName());
  }

  /** Texts that went through MiniLM so far (0 for tf-idf). */
  long encodedCount() {
    return cache == null ? 0 : cache.encodedCount();
  }

  @Override
  public String architecture() {
    return TextClassifier.architecture(features);
  }

  @Override
  public int inputWidth() {
    return 0;
  }

  @Override
  public int metadataFeatureCount() {
    return features == TextClassifier.Features.MINILM
        ? MiniLmEncoder.DIMENSIONS
        : HashedTfidf.DEFAULT_BUCKETS;
  }

  /** The head's weights and biases, plus the frozen MiniLM encoder's for the MiniLM probe. */
  @Override
  public long parameterCount() {
    if (classifier == null) {
      return -1;
    }
    long head = (long) (classifier.head().dimensions() + 1) * numClasses;
    return features == TextClassifier.Features.MINILM ? head + MINILM_ENCODER_PARAMETERS : head;
  }

  @Override
  public String deviceName() {
    return "cpu()";
  }

  @Override
  public Model model() {
    return null;
  }

  @Override
  public Map<String, ModelStore.FileContent> files() {
    if (classifier == null) {
      throw new IllegalStateException("no round trained yet");
    }
    TextClassifier current = classifier;
    Map<String, ModelStore.FileContent> files = new HashMap<>();
    files.put(TextClassifier.HEAD_FILE, current::writeHead);
    if (current.tfidf() != null) {
      files.put(TextClassifier.TFIDF_FILE, current::writeTfidf);
    }
    return files;
  }

  @Override
  public void close() {
    if (encoder != null && ownsEncoder) {
      encoder.close();
    }
  }
}
