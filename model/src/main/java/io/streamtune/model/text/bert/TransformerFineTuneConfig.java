package io.streamtune.model.text.bert;

import io.streamtune.spec.TransformerSpec;
import io.streamtune.spec.TransformerSpec.Precision;
import io.streamtune.spec.TransformerSpec.Strategy;
import java.util.Map;

/**
 * How a pretrained transformer text classifier is fine-tuned: the typed values of a spec's {@code
 * trainer.transformer} section ({@link TransformerSpec}, where each key is declared with its
 * default and allowed values). The constructor checks every value against that declaration, so a
 * config built in code obeys the same rules as one read from YAML.
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

  public static final String MINILM = TransformerSpec.MINILM;

  /** The seed when neither the section nor the trainer gives one. */
  private static final long DEFAULT_SEED = 42;

  public TransformerFineTuneConfig {
    TransformerSpec.check(TransformerSpec.BACKBONE, backbone);
    TransformerSpec.check(TransformerSpec.STRATEGY, strategy);
    TransformerSpec.check(TransformerSpec.PRECISION, precision);
    if (precision == Precision.BFLOAT16) {
      throw new IllegalArgumentException(
          "precision bfloat16 is not supported: DJL's PyTorch engine aborts the JVM on bfloat16"
              + " tensors and its casts detach from autograd; allowed values: [auto, float32]");
    }
    TransformerSpec.check(TransformerSpec.UNFREEZE_LAST_LAYERS, unfreezeLastLayers);
    TransformerSpec.check(TransformerSpec.LEARNING_RATE, learningRate);
    TransformerSpec.check(TransformerSpec.HEAD_LEARNING_RATE, headLearningRate);
    TransformerSpec.check(TransformerSpec.LAYER_DECAY, layerDecay);
    TransformerSpec.check(TransformerSpec.UNFREEZE_EVERY_STEPS, unfreezeEverySteps);
    TransformerSpec.check(TransformerSpec.WARMUP_SHARE, warmupShare);
    TransformerSpec.check(TransformerSpec.WEIGHT_DECAY, weightDecay);
    TransformerSpec.check(TransformerSpec.MAX_GRAD_NORM, maxGradNorm);
    TransformerSpec.check(TransformerSpec.EPOCHS, epochs);
    TransformerSpec.check(TransformerSpec.BATCH_SIZE, batchSize);
    TransformerSpec.check(TransformerSpec.MAX_LENGTH, maxLength);
    TransformerSpec.check(TransformerSpec.DROPOUT, (double) dropout);
  }

  /**
   * The section's values, its keys not written at their declared defaults.
   *
   * @param seed used when the section writes no {@code seed} (the trainer passes {@code
   *     trainer.seed})
   */
  public static TransformerFineTuneConfig of(TransformerSpec section, long seed) {
    Long own = section.get(TransformerSpec.SEED);
    return new TransformerFineTuneConfig(
        section.get(TransformerSpec.BACKBONE),
        section.get(TransformerSpec.STRATEGY),
        section.get(TransformerSpec.UNFREEZE_LAST_LAYERS),
        section.get(TransformerSpec.LEARNING_RATE),
        section.get(TransformerSpec.HEAD_LEARNING_RATE),
        section.get(TransformerSpec.LAYER_DECAY),
        section.get(TransformerSpec.UNFREEZE_EVERY_STEPS),
        section.get(TransformerSpec.WARMUP_SHARE),
        section.get(TransformerSpec.WEIGHT_DECAY),
        section.get(TransformerSpec.MAX_GRAD_NORM),
        section.get(TransformerSpec.EPOCHS),
        section.get(TransformerSpec.BATCH_SIZE),
        section.get(TransformerSpec.MAX_LENGTH),
        section.get(TransformerSpec.DROPOUT).floatValue(),
        section.get(TransformerSpec.PRECISION),
        own != null ? own : seed);
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

  /**
   * Full fine-tuning with the usual BERT recipe (the declared defaults): 5e-5 at the top (decay 0.9
   * per layer), head 1e-3, 10% warm-up, AdamW decay 0.01, clip at norm 1, 4 epochs of 16 × 128
   * tokens.
   */
  public static TransformerFineTuneConfig defaults() {
    return of(TransformerSpec.defaults(), DEFAULT_SEED);
  }

  /**
   * Reads the keys of a {@code trainer.transformer} section (e.g. parsed YAML); keys not given take
   * their defaults.
   *
   * @throws io.streamtune.spec.SpecException naming an unknown key, or a refused value with what
   *     the key allows
   */
  public static TransformerFineTuneConfig fromMap(Map<String, ?> map) {
    return of(TransformerSpec.read(map), DEFAULT_SEED);
  }
}
