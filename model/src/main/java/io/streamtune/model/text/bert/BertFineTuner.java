package io.streamtune.model.text.bert;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.spec.TransformerSpec.Precision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a {@link BertClassifier} on labelled texts with the strategies of {@link
 * TransformerFineTuneConfig}: frozen / last k layers / full, layer-wise learning-rate decay,
 * gradual unfreezing, linear warm-up then linear decay, global-norm gradient clipping, AdamW, and
 * float32 products on every device. Batches live on the model's device.
 *
 * <p>The optimizer is written out here rather than taken from DJL's {@code Trainer}: DJL's
 * optimizers clip each gradient element, not the global norm, and take one learning-rate schedule
 * for all parameters.
 */
public final class BertFineTuner {

  private static final Logger LOG = LoggerFactory.getLogger(BertFineTuner.class);

  /** A CPU round runs for minutes (seconds per step): a progress line this often. */
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;
  private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");

  /**
   * @param stepLosses training loss of every optimizer step, in order; NaN for a skipped step
   * @param stepsPerSecond optimizer steps per second of wall time (tokenising included)
   * @param computeType the number format the dense products ran in
   * @param skippedSteps steps whose loss or gradient norm was not finite: no parameter moved
   */
  public record Result(
      List<Float> stepLosses,
      int steps,
      double seconds,
      double stepsPerSecond,
      DataType computeType,
      int skippedSteps) {

    /** Mean loss of the first (or last) {@code n} steps, skipped steps left out. */
    public double meanLoss(boolean first, int n) {
      int count = Math.min(n, stepLosses.size());
      int start = first ? 0 : stepLosses.size() - count;
      double sum = 0;
      int finite = 0;
      for (int i = start; i < start + count; i++) {
        if (Float.isFinite(stepLosses.get(i))) {
          sum += stepLosses.get(i);
          finite++;
        }
      }
      return finite == 0 ? Double.NaN : sum / finite;
    }
  }

  /**
   * Consecutive skipped steps after which a run fails: one bad batch is skipped, a run whose every
   * step overflows (parameters or data gone non-finite) stops instead of training on garbage.
   */
  static final int MAX_CONSECUTIVE_SKIPS = 3;

  /** AdamW state of one parameter; its own update count, so late-joining units start fresh. */
  private static final class Moments {
    final NDArray first;
    final NDArray second;
    int updates;

    Moments(NDArray first, NDArray second) {
      this.first = first;
      this.second = second;
    }
  }

  /** One unit that freezes and gets a learning rate as a whole. */
  private record Unit(String name, AbstractBlock block, double learningRate) {}

  private final TransformerFineTuneConfig config;

  public BertFineTuner(TransformerFineTuneConfig config) {
    this.config = config;
  }

  /**
   * The number format {@code precision} means: float32 on every device. A GPU would gain from
   * reduced-precision products, but DJL cannot train them (see {@link
   * TransformerFineTuneConfig#precision()}); {@code DjlReducedPrecisionTest} notices when it can.
   */
  public static DataType computeType(Precision precision) {
    return switch (precision) {
      case AUTO, FLOAT32 -> DataType.FLOAT32;
      case BFLOAT16 -> throw new IllegalArgumentException("precision bfloat16 is not supported");
    };
  }

  /**
   * A model on {@code device} with the pretrained MiniLM and a fresh head initialised from the
   * config's seed. The caller owns (closes) the model.
   */
  public Model newModel(String name, int numClasses, Device device) {
    Engine.getInstance().setRandomSeed((int) config.seed());
    Model model = Model.newInstance(name, device);
    try {
      BertClassifier.pretrainedMiniLm(model, numClasses, config.dropout());
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Units from the head down: head, layer L-1, …, layer 0, embeddings, with their peak learning
   * rates. The strategy decides how many of them may ever train.
   */
  private List<Unit> trainableUnits(BertClassifier classifier) {
    BertEncoder encoder = classifier.encoder();
    int layers = encoder.config().layers();
    List<Unit> units = new ArrayList<>();
    units.add(new Unit("head", classifier.head(), config.headLearningRate()));
    int encoderUnits =
        switch (config.strategy()) {
          case FROZEN -> 0;
          case LAST_K -> config.unfreezeLastLayers();
          case FULL -> layers + 1;
        };
    for (int depth = 0; depth < encoderUnits; depth++) {
      double rate = config.learningRate() * Math.pow(config.layerDecay(), depth);
      if (depth < layers) {
        int layer = layers - 1 - depth;
        units.add(new Unit("layer" + layer, encoder.layerBlock(layer), rate));
      } else {
        units.add(new Unit("embeddings", encoder.embeddingsBlock(), rate));
      }
    }
    return units;
  }

  /** How many units (from the head down) train at {@code step}. */
  private int unitsTraining(int step, int maxUnits) {
    if (config.unfreezeEverySteps() == 0) {
      return maxUnits;
    }
    return Math.min(maxUnits, 1 + step / config.unfreezeEverySteps());
  }

  /** Warm-up from 0 to 1 over the first share of steps, then linear decay to 0 at the end. */
  double schedule(int step, int totalSteps) {
    int warmup = (int) Math.round(config.warmupShare() * totalSteps);
    if (step < warmup) {
      return (step + 1.0) / (warmup + 1.0);
    }
    return Math.max(0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmup));
  }

  /**
   * Trains {@code model} (from {@link #newModel}) on the texts. Parameters outside the trained
   * units are frozen and stay bit-identical.
   */
  public Result fit(Model model, MiniLmTokenizer tokenizer, List<String> texts, int[] labels) {
    return fit(model, tokenizer, texts, labels, () -> false);
  }

  /**
   * As {@link #fit(Model, MiniLmTokenizer, List, int[])}, stopping with a {@link
   * java.util.concurrent.CancellationException} before the first step after {@code cancelled} turns
   * true (the parameters are then partly updated).
   */
  public Result fit(
      Model model,
      MiniLmTokenizer tokenizer,
      List<String> texts,
      int[] labels,
      java.util.function.BooleanSupplier cancelled) {
    if (texts.size() != labels.length || texts.isEmpty()) {
      throw new IllegalArgumentException(
          "need one label per text, got "
              + texts.size()
              + " texts and "
              + labels.length
              + " labels");
    }
    BertClassifier classifier = (BertClassifier) model.getBlock();
    for (int label : labels) {
      if (label < 0 || label >= classifier.numClasses()) {
        throw new IllegalArgumentException(
            "label " + label + " outside 0.." + (classifier.numClasses() - 1));
      }
    }
    int batchesPerEpoch = (texts.size() + config.batchSize() - 1) / config.batchSize();
    Random random = new Random(config.seed());
    int[][] order = new int[1][];
    return train(
        model,
        batchesPerEpoch * config.epochs(),
        cancelled,
        step -> {
          int b = step % batchesPerEpoch;
          if (b == 0) {
            order[0] = shuffled(texts.size(), random);
          }
          int from = b * config.batchSize();
          int to = Math.min(texts.size(), from + config.batchSize());
          List<String> batchTexts = new ArrayList<>(to - from);
          float[] batchLabels = new float[to - from];
          for (int i = from; i < to; i++) {
            batchTexts.add(texts.get(order[0][i]));
            batchLabels[i - from] = labels[order[0][i]];
          }
          return new Batch(tokenizer.encode(batchTexts), batchLabels);
        });
  }

  /**
   * Trains {@code steps} optimizer steps on one fixed batch of token ids (no padding, token type
   * 0): for timing the training step alone, as the PyTorch peer in bench/ does.
   */
  public Result fitIds(Model model, long[] ids, int rows, int length, int[] labels, int steps) {
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1);
    MiniLmTokenizer.TokenBatch tokens =
        new MiniLmTokenizer.TokenBatch(ids, mask, new long[ids.length], rows, length);
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = labels[r];
    }
    return train(model, steps, () -> false, step -> new Batch(tokens, y));
  }

  private record Batch(MiniLmTokenizer.TokenBatch tokens, float[] labels) {}

  private Result train(
      Model model,
      int totalSteps,
      java.util.function.BooleanSupplier cancelled,
      java.util.function.IntFunction<Batch> batches) {
    BertClassifier classifier = (BertClassifier) model.getBlock();
    Engine.getInstance().setRandomSeed((int) config.seed());
    Device device = model.getNDManager().getDevice();
    DataType computeType = computeType(config.precision());

    List<Unit> units = trainableUnits(classifier);
    classifier.freezeParameters(true);
    List<Float> losses = new ArrayList<>(totalSteps);
    Map<Parameter, Moments> moments = new IdentityHashMap<>();
    long start = System.nanoTime();
    ProgressMeter progress =
        new ProgressMeter(
            "fine-tuning steps", totalSteps, PROGRESS_INTERVAL, LOG::info, System::nanoTime);
    int unfrozen = 0;
    int skipped = 0;
    int consecutiveSkips = 0;
    try (NDManager state = model.getNDManager().newSubManager()) {
      for (int step = 0; step < totalSteps; step++) {
        if (cancelled.getAsBoolean()) {
          throw new java.util.concurrent.CancellationException(
              "fine-tuning cancelled before step " + (step + 1) + " of " + totalSteps);
        }
        int wanted = unitsTraining(step, units.size());
        while (unfrozen < wanted) {
          units.get(unfrozen).block().freezeParameters(false);
          LOG.debug("step {}: {} trains from now on", step, units.get(unfrozen).name());
          unfrozen++;
        }
        Batch batch = batches.apply(step);
        float loss =
            step(
                classifier,
                batch.tokens(),
                batch.labels(),
                units.subList(0, unfrozen),
                schedule(step, totalSteps),
                step + 1,
                moments,
                state,
                device);
        losses.add(loss);
        progress.update(step + 1);
        if (Float.isFinite(loss)) {
          consecutiveSkips = 0;
        } else {
          skipped++;
          consecutiveSkips++;
          LOG.warn(
              "step {} of {}: non-finite loss or gradient norm, step skipped ({} in a row)",
              step + 1,
              totalSteps,
              consecutiveSkips);
          if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
            throw new IllegalStateException(
                "non-finite loss or gradient norm in "
                    + consecutiveSkips
                    + " consecutive steps (the last is step "
                    + (step + 1)
                    + " of "
                    + totalSteps
                    + "): the parameters or the inputs hold non-finite values");
          }
        }
      }
    } finally {
      classifier.freezeParameters(false);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        List.copyOf(losses), totalSteps, seconds, totalSteps / seconds, computeType, skipped);
  }

  private float step(
      BertClassifier classifier,
      MiniLmTokenizer.TokenBatch batch,
      float[] labels,
      List<Unit> training,
      double factor,
      int t,
      Map<Parameter, Moments> moments,
      NDManager state,
      Device device) {
    try (NDManager step = state.newSubManager(device)) {
      NDList inputs = batch.toNDList(step, device);
      NDArray target = step.create(labels).toDevice(device, false).toType(DataType.INT64, false);
      NDArray loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logits = classifier.forward(new ParameterStore(step, false), inputs, true).head();
        loss =
            logits
                .logSoftmax(1)
                .mul(target.oneHot(classifier.numClasses()))
                .sum(new int[] {1})
                .neg()
                .mean();
        collector.backward(loss);
      }
      float lossValue = loss.getFloat();

      List<Parameter> parameters = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      List<NDArray> gradients = new ArrayList<>();
      NDArray squares = null;
      for (Unit unit : training) {
        for (Parameter parameter : unit.block().getParameters().values()) {
          NDArray gradient = parameter.getArray().getGradient();
          gradient.attach(step);
          parameters.add(parameter);
          rates.add(unit.learningRate() * factor);
          gradients.add(gradient);
          // one fused pass per tensor (norm), not square + sum (a full-size temporary)
          NDArray norm = gradient.norm();
          NDArray sum = norm.mul(norm);
          squares = squares == null ? sum : squares.add(sum);
        }
      }
      float norm = (float) Math.sqrt(squares.getFloat());
      if (!Float.isFinite(lossValue) || !Float.isFinite(norm)) {
        // Skipped as a loss scaler skips an overflowed step. The gradients are overwritten, not
        // subtracted from themselves: NaN - NaN stays NaN and would poison every later step.
        for (NDArray gradient : gradients) {
          gradient.set(ALL, 0f);
        }
        return Float.NaN;
      }
      float clip =
          config.maxGradNorm() > 0 && norm > config.maxGradNorm()
              ? (float) (config.maxGradNorm() / (norm + 1e-6))
              : 1f;
      for (int i = 0; i < parameters.size(); i++) {
        adamW(
            parameters.get(i),
            gradients.get(i),
            clip,
            rates.get(i).floatValue(),
            moments,
            state,
            step);
      }
      return lossValue;
    }
  }

  /** One AdamW step on a parameter, in place, outside autograd; zeroes its gradient after. */
  private void adamW(
      Parameter parameter,
      NDArray gradient,
      float clip,
      float rate,
      Map<Parameter, Moments> moments,
      NDManager state,
      NDManager step) {
    Moments m =
        moments.computeIfAbsent(
            parameter,
            p -> {
              NDArray w = p.getArray();
              return new Moments(
                  state.zeros(w.getShape(), w.getDataType(), w.getDevice()),
                  state.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            });
    int t = ++m.updates;
    NDArray first = m.first;
    NDArray second = m.second;
    first.tempAttach(step);
    second.tempAttach(step);
    // In place where it can be, in PyTorch's order (torch.optim.AdamW): four full-size
    // temporaries per parameter instead of ten, which made the step slower than PyTorch's
    NDArray g = clip == 1f ? gradient : gradient.mul(clip);
    first.muli(BETA1).addi(g.mul(1 - BETA1));
    second.muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
    NDArray weight = parameter.getArray().stopGradient();
    weight.attach(step);
    float correction1 = 1 - (float) Math.pow(BETA1, t);
    float correction2 = 1 - (float) Math.pow(BETA2, t);
    if (config.weightDecay() > 0 && parameter.getType() == Parameter.Type.WEIGHT) {
      weight.muli(1 - rate * (float) config.weightDecay());
    }
    NDArray denominator = second.sqrt().divi((float) Math.sqrt(correction2)).addi(EPSILON);
    weight.subi(first.div(denominator).muli(rate / correction1));
    gradient.subi(gradient);
  }

  /** Class probabilities for each text (eval mode, batches of {@code batchSize}). */
  public static float[][] predictProbabilities(
      Model model, MiniLmTokenizer tokenizer, List<String> texts, int batchSize) {
    return rowPerText(
        model,
        tokenizer,
        texts,
        batchSize,
        (classifier, store, inputs) -> classifier.forward(store, inputs, false).head().softmax(1));
  }

  /**
   * The pooled embedding the head classifies, one row per text (eval mode, batches of {@code
   * batchSize}).
   */
  public static float[][] pooledEmbeddings(
      Model model, MiniLmTokenizer tokenizer, List<String> texts, int batchSize) {
    return rowPerText(
        model,
        tokenizer,
        texts,
        batchSize,
        (classifier, store, inputs) -> classifier.pooled(store, inputs, false));
  }

  /** What an eval-mode pass gives for a batch: one row per text of the batch. */
  @FunctionalInterface
  private interface BatchOutput {
    NDArray of(BertClassifier classifier, ParameterStore store, NDList inputs);
  }

  /**
   * Runs {@code output} over {@code texts} in batches of {@code batchSize}, each batch's arrays
   * freed with its sub-manager, and splits every batch's rows out: one row per text, in order.
   */
  private static float[][] rowPerText(
      Model model,
      MiniLmTokenizer tokenizer,
      List<String> texts,
      int batchSize,
      BatchOutput output) {
    BertClassifier classifier = (BertClassifier) model.getBlock();
    Device device = model.getNDManager().getDevice();
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
      try (NDManager step = model.getNDManager().newSubManager(device)) {
        NDList inputs = tokenizer.encode(batch).toNDList(step, device);
        float[] rows =
            output.of(classifier, new ParameterStore(step, false), inputs).toFloatArray();
        int width = rows.length / batch.size();
        for (int r = 0; r < batch.size(); r++) {
          out[from + r] = java.util.Arrays.copyOfRange(rows, r * width, (r + 1) * width);
        }
      }
    }
    return out;
  }

  /** The most probable class of each text (ties: the lower index). */
  public static int[] predictClasses(
      Model model, MiniLmTokenizer tokenizer, List<String> texts, int batchSize) {
    float[][] probabilities = predictProbabilities(model, tokenizer, texts, batchSize);
    int[] classes = new int[probabilities.length];
    for (int r = 0; r < probabilities.length; r++) {
      int best = 0;
      for (int c = 1; c < probabilities[r].length; c++) {
        if (probabilities[r][c] > probabilities[r][best]) {
          best = c;
        }
      }
      classes[r] = best;
    }
    return classes;
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
