package io.streamtune.spec;

import java.util.List;
import java.util.Map;

/**
 * The {@code trainer.transformer} section: how backbone {@code minilm-finetune} fine-tunes
 * all-MiniLM-L6-v2. Each key is one {@link Setting}; the model module's {@code
 * TransformerFineTuneConfig} is built from this section and checks its values against the same
 * settings.
 */
public final class TransformerSpec extends SettingSection<TransformerSpec> {

  static final String PREFIX = "trainer.transformer.";

  /** The only pretrained encoder that ships. */
  public static final String MINILM = "all-MiniLM-L6-v2";

  /** Encoder layers of all-MiniLM-L6-v2. */
  public static final int MINILM_LAYERS = 6;

  /** Which encoder parts train. */
  public enum Strategy {
    FROZEN,
    LAST_K,
    FULL
  }

  /** Number format of the dense products while training. */
  public enum Precision {
    AUTO,
    FLOAT32,
    /** Named so a spec asking for it gets the reason; the trainer refuses it. */
    BFLOAT16
  }

  public static final Setting<String> BACKBONE =
      Setting.text(
          "backbone", MINILM, MINILM::equals, "[" + MINILM + "]", "The pretrained encoder.");
  public static final Setting<Strategy> STRATEGY =
      Setting.choice(
          "strategy",
          Strategy.class,
          Strategy.FULL,
          "frozen (head only), last_k (the top unfreezeLastLayers layers and the head) or full"
              + " (everything, embeddings too).");
  public static final Setting<Integer> UNFREEZE_LAST_LAYERS =
      Setting.integer("unfreezeLastLayers", 2, 1, MINILM_LAYERS, "k for last_k.");
  public static final Setting<Double> LEARNING_RATE =
      Setting.number(
          "learningRate", 5e-5, v -> v > 0, "> 0", "Peak learning rate of the top encoder layer.");
  public static final Setting<Double> HEAD_LEARNING_RATE =
      Setting.number(
          "headLearningRate", 1e-3, v -> v > 0, "> 0", "Peak learning rate of the fresh head.");
  public static final Setting<Double> LAYER_DECAY =
      Setting.number(
          "layerDecay",
          0.9,
          v -> v > 0 && v <= 1,
          "in (0, 1]",
          "A unit d steps below the top layer trains at learningRate × layerDecay^d (embeddings"
              + " are one step below layer 0); 1 = one rate for all.");
  public static final Setting<Integer> UNFREEZE_EVERY_STEPS =
      Setting.integer(
          "unfreezeEverySteps",
          0,
          0,
          "Gradual unfreezing: the head trains alone first and one more unit joins from the top"
              + " every this many optimizer steps; 0 = off.");
  public static final Setting<Double> WARMUP_SHARE =
      Setting.share(
          "warmupShare",
          0.1,
          "Share of all steps over which the rate rises linearly from 0; then it falls linearly"
              + " to 0 at the last step.");
  public static final Setting<Double> WEIGHT_DECAY =
      Setting.number(
          "weightDecay",
          0.01,
          v -> v >= 0,
          ">= 0",
          "Decoupled (AdamW) decay of weight matrices (not biases or LayerNorm).");
  public static final Setting<Double> MAX_GRAD_NORM =
      Setting.number(
          "maxGradNorm",
          1.0,
          v -> v >= 0,
          ">= 0",
          "Clip the global L2 norm of the trainable gradients to this; 0 = off.");
  public static final Setting<Integer> EPOCHS =
      Setting.integer("epochs", 4, 1, "Passes over the training rows.");
  public static final Setting<Integer> BATCH_SIZE =
      Setting.integer("batchSize", 16, 1, "Rows per optimizer step.");
  public static final Setting<Integer> MAX_LENGTH =
      Setting.integer("maxLength", 128, 2, 512, "Tokens per text, special tokens included.");
  public static final Setting<Double> DROPOUT =
      Setting.share("dropout", 0.1, "Dropout of the encoder and before the head while training.");
  public static final Setting<Precision> PRECISION =
      Setting.choice(
          "precision",
          Precision.class,
          Precision.AUTO,
          "auto or float32 (bfloat16 is refused: DJL's PyTorch engine aborts on it).");
  public static final Setting<Long> SEED =
      Setting.longValue(
          "seed",
          null,
          Long.MIN_VALUE,
          "Shuffling, dropout and head initialisation; not written: trainer.seed.");

  /** Every key of the section. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          BACKBONE,
          STRATEGY,
          UNFREEZE_LAST_LAYERS,
          LEARNING_RATE,
          HEAD_LEARNING_RATE,
          LAYER_DECAY,
          UNFREEZE_EVERY_STEPS,
          WARMUP_SHARE,
          WEIGHT_DECAY,
          MAX_GRAD_NORM,
          EPOCHS,
          BATCH_SIZE,
          MAX_LENGTH,
          DROPOUT,
          PRECISION,
          SEED);

  private TransformerSpec(SettingValues values) {
    super(values);
  }

  /** Every key at its default: the section as an empty map reads. */
  public static TransformerSpec defaults() {
    return read(Map.of());
  }

  /**
   * Reads the section's YAML map.
   *
   * @throws SpecException naming an unknown key or a refused value with what it allows
   */
  public static TransformerSpec read(Map<?, ?> raw) {
    return new TransformerSpec(SettingValues.read(PREFIX, SETTINGS, raw));
  }

  @Override
  protected TransformerSpec copy(SettingValues changed) {
    return new TransformerSpec(changed);
  }

  /** Checks a value set in code (e.g. a benchmark's config) against its key's rule. */
  public static <T> T check(Setting<T> setting, T value) {
    return setting.check(PREFIX, value);
  }
}
