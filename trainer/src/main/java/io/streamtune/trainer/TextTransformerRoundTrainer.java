package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.common.config.ConfigException;
import io.streamtune.model.ModelStore;
import io.streamtune.model.text.bert.BertClassifier;
import io.streamtune.model.text.bert.BertClassifierStore;
import io.streamtune.model.text.bert.BertConfig;
import io.streamtune.model.text.bert.BertFineTuner;
import io.streamtune.model.text.bert.MiniLmTokenizer;
import io.streamtune.model.text.bert.TransformerFineTuneConfig;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TransformerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Text backbone {@code minilm-finetune}: all-MiniLM-L6-v2 as a trainable DJL block ({@link
 * BertClassifier}) fine-tuned every round by {@link BertFineTuner} with the spec's {@code
 * trainer.transformer} settings.
 *
 * <p>The model stays in memory between rounds, so round r+1 starts from version r's parameters; the
 * first round starts from the imported ONNX weights and a fresh head, a restarted trainer from the
 * stored version. Each round is a complete fine-tuning run over the buffer (its own warm-up and
 * decay, fresh AdamW moments): the buffer is replayed, not streamed, so carrying a schedule across
 * rounds would end it at 0 after the first. The shuffle and dropout seed of round r is {@code seed
 * + r}.
 */
final class TextTransformerRoundTrainer implements ModelTrainer {

  /** Backbone {@code minilm-finetune}. */
  static final ModelTrainerFactory KIND =
      ModelTrainerFactory.of(
          setup -> BertClassifier.ARCHITECTURE,
          setup -> create(setup.modelId(), setup.trainer(), setup.numClasses(), setup.device()),
          (setup, dir) ->
              resume(setup.store(), dir, setup.trainer(), setup.numClasses(), setup.device()));

  private final TransformerFineTuneConfig config;
  private final Model model;
  private final AutoCloseable owner;
  private final MiniLmTokenizer tokenizer;
  private final Device device;
  private int roundsTrained;
  private BertFineTuner.Result lastRound;

  private TextTransformerRoundTrainer(
      TransformerFineTuneConfig config, Model model, AutoCloseable owner, Device device) {
    this.config = config;
    this.model = model;
    this.owner = owner;
    this.device = device;
    // characters kept before tokenising: far more than maxLength word pieces ever take
    this.tokenizer = new MiniLmTokenizer(config.maxLength(), config.maxLength() * 16);
  }

  /**
   * The fine-tuning settings of {@code trainer.transformer}: keys not written take their declared
   * defaults ({@link TransformerSpec}), the seed {@code trainer.seed}.
   */
  static TransformerFineTuneConfig configOf(TrainerSpec spec) {
    TransformerSpec section =
        spec.transformer() == null ? TransformerSpec.defaults() : spec.transformer();
    try {
      return TransformerFineTuneConfig.of(section, spec.seed());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key 'trainer.transformer': " + e.getMessage());
    }
  }

  /** all-MiniLM-L6-v2's pretrained weights and a fresh head seeded from the config. */
  static TextTransformerRoundTrainer create(
      String modelName, TrainerSpec spec, int numClasses, Device device) {
    TransformerFineTuneConfig config = configOf(spec);
    Model model = new BertFineTuner(config).newModel(modelName, numClasses, device);
    try {
      return new TextTransformerRoundTrainer(config, model, model, device);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Continues from a stored version (after a restart). */
  static TextTransformerRoundTrainer resume(
      ModelStore store, Path versionDir, TrainerSpec spec, int numClasses, Device device) {
    TransformerFineTuneConfig config = configOf(spec);
    BertClassifierStore.Loaded loaded =
        BertClassifierStore.load(store, versionDir, device, config.dropout());
    try {
      int stored = ((BertClassifier) loaded.model().getBlock()).numClasses();
      if (stored != numClasses) {
        throw new IllegalArgumentException(
            versionDir + " has " + stored + " classes, the spec " + numClasses);
      }
      return new TextTransformerRoundTrainer(config, loaded.model(), loaded, device);
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }

  @Override
  public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    long start = System.nanoTime();
    // as the job prepared them (e-mails reduced on entry with text.format: email)
    List<String> texts = data.texts();
    BertFineTuner tuner = new BertFineTuner(config.withSeed(config.seed() + roundsTrained));
    BertFineTuner.Result round = tuner.fit(model, tokenizer, texts, data.labels(), cancelled);
    roundsTrained++;
    lastRound = round;
    int perEpoch = (texts.size() + config.batchSize() - 1) / config.batchSize();
    List<Double> epochLosses = new ArrayList<>();
    for (int from = 0; from < round.stepLosses().size(); from += perEpoch) {
      List<Float> epoch =
          round.stepLosses().subList(from, Math.min(round.stepLosses().size(), from + perEpoch));
      // skipped (non-finite) steps left out
      epochLosses.add(
          epoch.stream()
              .mapToDouble(Float::doubleValue)
              .filter(Double::isFinite)
              .average()
              .orElse(Double.NaN));
    }
    return new Result(
        epochLosses.get(epochLosses.size() - 1),
        epochLosses,
        config.epochs(),
        round.steps(),
        data.size(),
        (System.nanoTime() - start) / 1_000_000,
        deviceName());
  }

  /** The settings rounds use (their seed aside). */
  TransformerFineTuneConfig config() {
    return config;
  }

  BertClassifier classifier() {
    return (BertClassifier) model.getBlock();
  }

  /** The tokenizer of the spec's maxLength. */
  MiniLmTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public Map<String, Object> trainingDetails() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("transformerStrategy", config.strategy().name().toLowerCase(Locale.ROOT));
    details.put("maxLength", config.maxLength());
    details.put("batchSize", config.batchSize());
    if (lastRound != null) {
      details.put("computeType", lastRound.computeType().name().toLowerCase(Locale.ROOT));
      details.put("stepsPerSecond", lastRound.stepsPerSecond());
      details.put("skippedSteps", lastRound.skippedSteps());
    }
    return details;
  }

  @Override
  public String architecture() {
    return BertClassifier.ARCHITECTURE;
  }

  @Override
  public int inputWidth() {
    return 0;
  }

  @Override
  public int metadataFeatureCount() {
    return BertConfig.miniLmL6().hidden();
  }

  @Override
  public String deviceName() {
    return device.toString();
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public Map<String, ModelStore.FileContent> files() {
    return Map.of(
        BertClassifierStore.CONFIG_FILE, BertClassifierStore.configFile(model, config.maxLength()));
  }

  @Override
  public void close() {
    tokenizer.close();
    try {
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close model " + model.getName(), e);
    }
  }
}
