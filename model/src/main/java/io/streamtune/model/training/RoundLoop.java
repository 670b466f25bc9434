package io.streamtune.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import io.streamtune.common.progress.ProgressMeter;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of mini-batch training shared by every modality's DJL model: shuffled epochs, softmax
 * cross-entropy with balanced class weights, the scheduled (and per-parameter) learning rate, and
 * early stopping on a stratified validation slice that keeps the best epoch's parameters. A {@link
 * RoundPlan} shortens a warm round to a share of the full round's steps (the last epoch then stops
 * part-way), lowers its rate, and averages the trained parameters with those before the round.
 *
 * <p>Balanced weights (n / (classes * n_c)) make a minority class weigh as much in total as the
 * majority. Reproducible: the shuffle and the validation slice of round r come from the seed and r.
 * Every step's arrays live in a sub-manager closed at the end of the step.
 */
public final class RoundLoop {

  private static final Logger LOG = LoggerFactory.getLogger(RoundLoop.class);

  /**
   * A CPU round can run for minutes: a progress line this often, so that a long round shows it
   * moves (and a stalled one that it does not).
   */
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

  /** The examples of a round, as the model reads them. */
  public interface Inputs {
    int size();

    int label(int row);

    /** The model input for these rows, created in {@code manager}. */
    NDArray batch(NDManager manager, int[] rows);

    /** Labelled rows whose batches {@code batches} builds. */
    static Inputs of(int[] labels, Batches batches) {
      return new Inputs() {
        @Override
        public int size() {
          return labels.length;
        }

        @Override
        public int label(int row) {
          return labels[row];
        }

        @Override
        public NDArray batch(NDManager manager, int[] rows) {
          return batches.batch(manager, rows);
        }
      };
    }

    /**
     * Rows of equal-length float vectors (features, or pixels scaled to [0, 1]) and their labels;
     * {@code toArray} shapes a batch's values, row after row, as the model's input.
     */
    static Inputs ofRows(float[][] values, int[] labels, BatchArray toArray) {
      return of(
          labels,
          (manager, rows) -> {
            int width = values[rows[0]].length;
            float[] batch = new float[rows.length * width];
            for (int r = 0; r < rows.length; r++) {
              System.arraycopy(values[rows[r]], 0, batch, r * width, width);
            }
            return toArray.create(manager, batch, rows.length);
          });
    }
  }

  /** Builds the model input for some rows. */
  @FunctionalInterface
  public interface Batches {
    NDArray batch(NDManager manager, int[] rows);
  }

  /** Shapes {@code rows} rows of values, one after another, as a model input. */
  @FunctionalInterface
  public interface BatchArray {
    NDArray create(NDManager manager, float[] values, int rows);
  }

  /**
   * The outcome of a round.
   *
   * @param trainLoss mean training loss of the last epoch run
   * @param validationLoss best validation loss (NaN without a validation slice)
   * @param bestEpoch 1-based epoch whose parameters were kept
   * @param plan what the round was planned to do (its step budget, rate factor and EMA)
   * @param learningRate the round's base rate (the spec's times the plan's factor)
   */
  public record Result(
      double trainLoss,
      List<Double> epochLosses,
      int epochs,
      int steps,
      int trainExamples,
      int validationExamples,
      double validationLoss,
      int bestEpoch,
      long durationMs,
      RoundPlan plan,
      double learningRate) {}

  private RoundLoop() {}

  /** The optimizer the settings name, reading its rate from {@code rate}. */
  public static Optimizer optimizer(TrainSettings settings, ScheduledLearningRate rate) {
    float decay = (float) settings.weightDecay();
    return switch (settings.optimizer()) {
      case ADAM -> Optimizer.adam().optLearningRateTracker(rate).optWeightDecays(decay).build();
      case SGD ->
          Optimizer.sgd()
              .setLearningRateTracker(rate)
              .optMomentum(0.9f)
              .optWeightDecays(decay)
              .build();
    };
  }

  /**
   * Trains one round as {@code plan} says: at most {@code plan.steps(epochs x steps per epoch)}
   * steps at the rate times {@code plan.lrFactor()}, then the EMA with the parameters before it.
   *
   * @param parameters every parameter of the model (to keep the best epoch's values and average)
   * @param plan the round's share of a full round's steps, rate factor and EMA decay ({@link
   *     RoundPlan#full} for a first round)
   * @param beforeEpoch called with the 0-based epoch before it starts (gradual unfreezing)
   * @param cancelled checked before every step; when true the round stops with a {@link
   *     CancellationException}
   */
  public static Result run(
      Trainer trainer,
      List<Parameter> parameters,
      Inputs data,
      int numClasses,
      TrainSettings settings,
      ScheduledLearningRate rate,
      int round,
      RoundPlan plan,
      IntConsumer beforeEpoch,
      BooleanSupplier cancelled) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    long startNanos = System.nanoTime();
    Random random = new Random(settings.seed() * 1_000_003L + round);
    int[][] split = split(data, numClasses, settings.validationFraction(), random);
    int[] train = split[0];
    int[] validation = split[1];
    long[] counts = new long[numClasses];
    for (int row : train) {
      counts[data.label(row)]++;
    }
    float[] classWeights = balancedClassWeights(counts);
    int batchSize = settings.batchSize();
    int stepsPerEpoch = (train.length + batchSize - 1) / batchSize;
    int budget = plan.steps(stepsPerEpoch * settings.epochs());
    rate.startRound(budget, plan.lrFactor());
    // the weights the round starts from: the previous version's, averaged in at the end
    float[][] before = plan.emaDecay() > 0 ? values(parameters) : null;

    List<Double> epochLosses = new ArrayList<>();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    float[][] best = null;
    int steps = 0;
    ProgressMeter progress =
        new ProgressMeter("training steps", budget, PROGRESS_INTERVAL, LOG::info, System::nanoTime);
    for (int epoch = 0; epoch < settings.epochs() && steps < budget; epoch++) {
      beforeEpoch.accept(epoch);
      shuffle(train, random);
      double lossSum = 0;
      int rowsSeen = 0;
      for (int start = 0; start < train.length && steps < budget; start += batchSize) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("training round cancelled");
        }
        int rows = Math.min(batchSize, train.length - start);
        int[] batch = new int[rows];
        System.arraycopy(train, start, batch, 0, rows);
        rate.setStep(steps);
        float loss = step(trainer, data, batch, numClasses, classWeights);
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException(
              "training diverged: loss " + loss + " in epoch " + (epoch + 1));
        }
        lossSum += (double) loss * rows;
        rowsSeen += rows;
        steps++;
        progress.update(steps);
      }
      epochLosses.add(lossSum / rowsSeen);
      if (validation.length > 0) {
        double loss = validationLoss(trainer, data, validation, numClasses, batchSize);
        if (loss < bestLoss) {
          bestLoss = loss;
          bestEpoch = epoch + 1;
          best = values(parameters);
        } else if (epoch + 1 - bestEpoch >= settings.patience()) {
          break;
        }
      } else {
        bestEpoch = epoch + 1;
      }
    }
    int epochsRun = epochLosses.size();
    if (best != null && bestEpoch != epochsRun) {
      restore(parameters, best);
    }
    if (before != null) {
      average(parameters, before, plan.emaDecay());
    }
    return new Result(
        epochLosses.get(epochsRun - 1),
        List.copyOf(epochLosses),
        epochsRun,
        steps,
        train.length,
        validation.length,
        validation.length > 0 ? bestLoss : Double.NaN,
        bestEpoch,
        (System.nanoTime() - startNanos) / 1_000_000,
        plan,
        rate.roundRate());
  }

  private static float step(
      Trainer trainer, Inputs data, int[] rows, int numClasses, float[] classWeights) {
    try (NDManager stepManager = trainer.getManager().newSubManager()) {
      NDArray x = data.batch(stepManager, rows);
      float[] weightedTargets = new float[rows.length * numClasses];
      float weightSum = 0;
      for (int r = 0; r < rows.length; r++) {
        int label = data.label(rows[r]);
        weightedTargets[r * numClasses + label] = classWeights[label];
        weightSum += classWeights[label];
      }
      // One-hot targets scaled by the class weight: the loss is then one dot product per row.
      NDArray targets = stepManager.create(weightedTargets, new Shape(rows.length, numClasses));
      float lossValue;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray loss = logits.logSoftmax(1).mul(targets).sum().neg().div(weightSum);
        collector.backward(loss);
        lossValue = loss.getFloat();
      }
      trainer.step();
      return lossValue;
    }
  }

  /** Unweighted mean cross-entropy on the validation rows. */
  private static double validationLoss(
      Trainer trainer, Inputs data, int[] rows, int numClasses, int batchSize) {
    double sum = 0;
    for (int start = 0; start < rows.length; start += batchSize) {
      int n = Math.min(batchSize, rows.length - start);
      int[] batch = new int[n];
      System.arraycopy(rows, start, batch, 0, n);
      try (NDManager manager = trainer.getManager().newSubManager()) {
        NDArray logits =
            trainer.evaluate(new NDList(data.batch(manager, batch))).singletonOrThrow();
        float[] logProbabilities = logits.logSoftmax(1).toFloatArray();
        for (int r = 0; r < n; r++) {
          sum -= logProbabilities[r * numClasses + data.label(batch[r])];
        }
      }
    }
    return sum / rows.length;
  }

  /** A stratified validation slice: the same share of every class (none below 2 rows). */
  static int[][] split(Inputs data, int numClasses, double fraction, Random random) {
    int[] labels = new int[data.size()];
    for (int row = 0; row < labels.length; row++) {
      labels[row] = data.label(row);
    }
    return split(labels, numClasses, fraction, random);
  }

  /**
   * Row indexes {@code [train, validation]}, each ascending: {@code floor(fraction × n_c)} rows of
   * every class c with at least 2 rows go to validation, drawn by {@code random}.
   */
  public static int[][] split(int[] labels, int numClasses, double fraction, Random random) {
    return StratifiedSplit.split(
        labels, numClasses, random, rows -> rows < 2 ? 0 : (int) Math.floor(fraction * rows));
  }

  private static float[][] values(List<Parameter> parameters) {
    float[][] values = new float[parameters.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters.get(i).getArray().toFloatArray();
    }
    return values;
  }

  private static void restore(List<Parameter> parameters, float[][] values) {
    for (int i = 0; i < values.length; i++) {
      parameters.get(i).getArray().set(FloatBuffer.wrap(values[i]));
    }
  }

  /** Each parameter becomes {@code decay x before + (1 - decay) x now}. */
  private static void average(List<Parameter> parameters, float[][] before, double decay) {
    float keep = (float) decay;
    for (int i = 0; i < before.length; i++) {
      float[] now = parameters.get(i).getArray().toFloatArray();
      for (int j = 0; j < now.length; j++) {
        now[j] = keep * before[i][j] + (1 - keep) * now[j];
      }
      parameters.get(i).getArray().set(FloatBuffer.wrap(now));
    }
  }

  /** n / (present classes * n_c) for each present class; absent classes get no weight. */
  public static float[] balancedClassWeights(long[] counts) {
    long total = 0;
    int present = 0;
    for (long count : counts) {
      total += count;
      present += count > 0 ? 1 : 0;
    }
    float[] weights = new float[counts.length];
    for (int c = 0; c < counts.length; c++) {
      weights[c] = counts[c] == 0 ? 0f : (float) ((double) total / (present * (double) counts[c]));
    }
    return weights;
  }

  private static void shuffle(int[] values, Random random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
  }
}
