package io.streamtune.model.text.bert;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a pretrained transformer text classifier is fine-tuned. Kept apart from the trainer's spec
 * classes: a pipeline spec carries these keys under {@code trainer.transformer} and the trainer
 * hands that map to {@link #fromMap}.
 *
 * @param backbone the pretrained encoder; only {@code all-MiniLM-L6-v2} ships
 * @param strategy which encoder parts train: {@code frozen} (head only), {@code last_k} (the top
 *     {@code unfreezeLastLayers} layers and the head) or {@code full} (everything, embeddings too)
 * @param unfreezeLastLayers k for {@code last_k}
 * @param learningRate peak learning rate of the top encoder layer
 * @param headLearningRate peak learning rate of the (fresh) classification head
 * @param layerDecay layer-wise decay: a unit d steps below the top layer trains at {@code
 *     learningRate × layerDecay^d} (embeddings are one step below layer 0); 1 = one rate for all
 * @param unfreezeEverySteps gradual unfreezing: the head trains alone first and one more unit joins
 *     from the top every this many optimizer steps, up to what the strategy allows; 0 = off
 * @param warmupShare share of all steps over which the rate rises linearly from 0; then it falls
 *     linearly to 0 at the last step
 * @param weightDecay decoupled (AdamW) weight decay of weight matrices (not biases or LayerNorm)
 * @param maxGradNorm clip the global L2 norm of all trainable gradients to this; 0 = off
 * @param epochs passes over the training rows
 * @param batchSize rows per optimizer step
 * @param maxLength tokens per text, special tokens included
 * @param dropout dropout of the encoder and before the head while training
 * @param precision {@code auto} or {@code float32}: float32 on every device. {@code bfloat16} is
 *     refused: DJL's PyTorch engine (0.33 and 0.36) aborts the JVM on any bfloat16 tensor, and its
 *     dtype casts detach from autograd, so reduced-precision products would not train the encoder
 *     (docs/architecture.md, "Engine and natives")
 * @param seed shuffling, dropout and head initialisation
 */
public record TransformerFineTuneConfig(
    String backbone,
    Strategy strategy,
    int unfreezeLastLayers,
    double learningRate,
    double headLearningRate,
    double layerDecay,
    int unfreezeEverySteps,
    double warmupShare,
    double weightDecay,
    double maxGradNorm,
    int epochs,
    int batchSize,
    int maxLength,
    float dropout,
    Precision precision,
    long seed) {

  public static final String MINILM = "all-MiniLM-L6-v2";

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
    /** Named so a spec asking for it gets the reason; refused by the constructor. */
    BFLOAT16
  }

  public TransformerFineTuneConfig {
    if (!MINILM.equals(backbone)) {
      throw new IllegalArgumentException("backbone must be " + MINILM + ", got " + backbone);
    }
    if (strategy == null) {
      throw new IllegalArgumentException("strategy must be one of frozen, last_k, full");
    }
    if (precision == null) {
      throw new IllegalArgumentException("precision must be one of auto, float32");
    }
    if (precision == Precision.BFLOAT16) {
      throw new IllegalArgumentException(
          "precision bfloat16 is not supported: DJL's PyTorch engine aborts the JVM on bfloat16"
              + " tensors and its casts detach from autograd; allowed values: [auto, float32]");
    }
    int layers = BertConfig.miniLmL6().layers();
    if (unfreezeLastLayers < 1 || unfreezeLastLayers > layers) {
      throw new IllegalArgumentException(
          "unfreezeLastLayers must be in 1.." + layers + ", got " + unfreezeLastLayers);
    }
    positive("learningRate", learningRate);
    positive("headLearningRate", headLearningRate);
    if (!(layerDecay > 0 && layerDecay <= 1)) {
      throw new IllegalArgumentException("layerDecay must be in (0, 1], got " + layerDecay);
    }
    if (unfreezeEverySteps < 0) {
      throw new IllegalArgumentException(
          "unfreezeEverySteps must be >= 0, got " + unfreezeEverySteps);
    }
    if (!(warmupShare >= 0 && warmupShare < 1)) {
      throw new IllegalArgumentException("warmupShare must be in [0, 1), got " + warmupShare);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }
    if (!(maxGradNorm >= 0)) {
      throw new IllegalArgumentException("maxGradNorm must be >= 0, got " + maxGradNorm);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (maxLength < 2 || maxLength > 512) {
      throw new IllegalArgumentException("maxLength must be in 2..512, got " + maxLength);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
  }

  /** The same settings with another seed (e.g. one per training round). */
  public TransformerFineTuneConfig withSeed(long newSeed) {
    return new TransformerFineTuneConfig(
        backbone,
        strategy,
        unfreezeLastLayers,
        learningRate,
        headLearningRate,
        layerDecay,
        unfreezeEverySteps,
        warmupShare,
        weightDecay,
        maxGradNorm,
        epochs,
        batchSize,
        maxLength,
        dropout,
        precision,
        newSeed);
  }

  private static void positive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be > 0, got " + value);
    }
  }

  /**
   * Full fine-tuning with the usual BERT recipe: 5e-5 at the top (decay 0.9 per layer), head 1e-3,
   * 10% warm-up, AdamW decay 0.01, clip at norm 1, 4 epochs of 16 × 128 tokens.
   */
  public static TransformerFineTuneConfig defaults() {
    return new TransformerFineTuneConfig(
        MINILM,
        Strategy.FULL,
        2,
        5e-5,
        1e-3,
        0.9,
        0,
        0.1,
        0.01,
        1.0,
        4,
        16,
        128,
        0.1f,
        Precision.AUTO,
        42);
  }

  private static final Set<String> KEYS =
      Set.of(
          "backbone",
          "strategy",
          "unfreezeLastLayers",
          "learningRate",
          "headLearningRate",
          "layerDecay",
          "unfreezeEverySteps",
          "warmupShare",
          "weightDecay",
          "maxGradNorm",
          "epochs",
          "batchSize",
          "maxLength",
          "dropout",
          "precision",
          "seed");

  /**
   * Reads the keys of a spec section (e.g. parsed YAML); keys not given keep {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming an unknown key, a value of the wrong type, or an enum
   *     value with the allowed ones
   */
  public static TransformerFineTuneConfig fromMap(Map<String, ?> map) {
    for (String key : map.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown transformer fine-tuning key '"
                + key
                + "'; known keys: "
                + new java.util.TreeSet<>(KEYS));
      }
    }
    TransformerFineTuneConfig d = defaults();
    Map<String, Object> m = new LinkedHashMap<>(map);
    return new TransformerFineTuneConfig(
        string(m, "backbone", d.backbone()),
        enumValue(m, "strategy", Strategy.class, d.strategy()),
        integer(m, "unfreezeLastLayers", d.unfreezeLastLayers()),
        number(m, "learningRate", d.learningRate()),
        number(m, "headLearningRate", d.headLearningRate()),
        number(m, "layerDecay", d.layerDecay()),
        integer(m, "unfreezeEverySteps", d.unfreezeEverySteps()),
        number(m, "warmupShare", d.warmupShare()),
        number(m, "weightDecay", d.weightDecay()),
        number(m, "maxGradNorm", d.maxGradNorm()),
        integer(m, "epochs", d.epochs()),
        integer(m, "batchSize", d.batchSize()),
        integer(m, "maxLength", d.maxLength()),
        (float) number(m, "dropout", d.dropout()),
        enumValue(m, "precision", Precision.class, d.precision()),
        integer(m, "seed", (int) d.seed()));
  }

  private static String string(Map<String, Object> m, String key, String fallback) {
    Object v = m.get(key);
    return v == null ? fallback : v.toString();
  }

  private static double number(Map<String, Object> m, String key, double fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
    }
  }

  private static int integer(Map<String, Object> m, String key, int fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).intValue();
    }
    try {
      return Integer.parseInt(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
    }
  }

  private static <E extends Enum<E>> E enumValue(
      Map<String, Object> m, String key, Class<E> type, E fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, v.toString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key
              + " must be one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .toList()
              + ", got '"
              + v
              + "'");
    }
  }
}
