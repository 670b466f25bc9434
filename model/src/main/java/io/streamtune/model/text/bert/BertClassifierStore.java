package io.streamtune.model.text.bert;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.ModelStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Stores fine-tuned transformer classifiers as ordinary {@link ModelStore} versions: the DJL
 * parameter file, {@code metadata.json} and {@code spec.yaml} as for every model, plus {@code
 * transformer.json} with the encoder shape and token limit needed to rebuild the block.
 */
public final class BertClassifierStore {

  public static final String CONFIG_FILE = "transformer.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** What rebuilds the block and its inputs. */
  public record StoredConfig(BertConfig encoder, int numClasses, int maxLength) {}

  private BertClassifierStore() {}

  /** Metadata for a fine-tuned version: the features are the encoder's pooled width. */
  public static ModelMetadata metadata(
      String modelId, int version, List<String> labels, long seed, String createdAt) {
    return new ModelMetadata(
        modelId,
        version,
        BertClassifier.ARCHITECTURE,
        labels,
        List.of(),
        BertConfig.miniLmL6().hidden(),
        List.of(),
        seed,
        createdAt);
  }

  public static Path save(
      ModelStore store, Model model, ModelMetadata metadata, String specYaml, int maxLength) {
    BertClassifier classifier = (BertClassifier) model.getBlock();
    if (!BertClassifier.ARCHITECTURE.equals(metadata.architecture())
        || metadata.numClasses() != classifier.numClasses()) {
      throw new ModelStoreException(
          "metadata does not describe this classifier: "
              + metadata.architecture()
              + " with "
              + metadata.numClasses()
              + " labels");
    }
    return store.save(model, metadata, specYaml, Map.of(CONFIG_FILE, configFile(model, maxLength)));
  }

  /**
   * The {@value #CONFIG_FILE} of {@code model}'s classifier, for a caller that saves the version
   * through {@link ModelStore#save(Model, ModelMetadata, String, Map)} with files of its own.
   */
  public static ModelStore.FileContent configFile(Model model, int maxLength) {
    BertClassifier classifier = (BertClassifier) model.getBlock();
    StoredConfig config =
        new StoredConfig(classifier.encoder().config(), classifier.numClasses(), maxLength);
    return out -> out.write(JSON.writeValueAsBytes(config));
  }

  /** A loaded version with its tokenizer. Close it when done. */
  public record Loaded(Model model, ModelMetadata metadata, MiniLmTokenizer tokenizer)
      implements AutoCloseable {

    /** Softmax probabilities per text, columns in {@code metadata().labels()} order. */
    public float[][] predictProbabilities(List<String> texts) {
      return BertFineTuner.predictProbabilities(model, tokenizer, texts, 32);
    }

    /** The mean-pooled encoder output the head classifies, one row per text. */
    public float[][] embeddings(List<String> texts) {
      return BertFineTuner.pooledEmbeddings(model, tokenizer, texts, 32);
    }

    /** The most probable class index per text. */
    public int[] predictClasses(List<String> texts) {
      return BertFineTuner.predictClasses(model, tokenizer, texts, 32);
    }

    @Override
    public void close() {
      tokenizer.close();
      model.close();
    }
  }

  public static Loaded load(ModelStore store, Path versionDir) {
    return load(store, versionDir, Engine.getInstance().defaultDevice());
  }

  /** For scoring: no dropout. */
  public static Loaded load(ModelStore store, Path versionDir, Device device) {
    return load(store, versionDir, device, 0f);
  }

  /**
   * @param dropout the rebuilt block's dropout while training (it is not stored: a version resumed
   *     for more fine-tuning takes the spec's)
   */
  public static Loaded load(ModelStore store, Path versionDir, Device device, float dropout) {
    ModelMetadata metadata = store.readMetadata(versionDir);
    Path configFile = versionDir.resolve(CONFIG_FILE);
    if (!BertClassifier.ARCHITECTURE.equals(metadata.architecture())) {
      throw new ModelStoreException(
          versionDir
              + " holds a "
              + metadata.architecture()
              + " model, not a transformer classifier");
    }
    StoredConfig config;
    try {
      config =
          JSON.readValue(Files.readString(configFile, StandardCharsets.UTF_8), StoredConfig.class);
    } catch (IOException | RuntimeException e) {
      throw new ModelStoreException("cannot read " + configFile + ": " + e.getMessage(), e);
    }
    Model model = Model.newInstance(metadata.modelId(), device);
    try {
      model.setBlock(new BertClassifier(config.encoder(), config.numClasses(), dropout));
      model.load(versionDir, ModelStore.PARAMS_PREFIX);
      return new Loaded(
          model, metadata, new MiniLmTokenizer(config.maxLength(), config.maxLength() * 16));
    } catch (Exception e) {
      model.close();
      throw new ModelStoreException(
          "cannot load transformer parameters from " + versionDir + ": " + e.getMessage(), e);
    }
  }
}
