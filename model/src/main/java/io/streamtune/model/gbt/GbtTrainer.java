package io.streamtune.model.gbt;

import io.streamtune.model.training.RoundLoop;
import io.streamtune.spec.GbtSpec;
import io.streamtune.spec.TrainerSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Fits a {@link GbtClassifier} on labelled feature rows with XGBoost's histogram method, one
 * boosting iteration at a time so that a cancelled round stops between trees and early stopping is
 * decided here: on a stratified validation slice (the MLP's {@link RoundLoop#split}), the round
 * stops after {@code earlyStoppingRounds} iterations without a lower validation log-loss and scores
 * with the best iteration's trees.
 *
 * <p>Reproducible: the validation slice and XGBoost's row and column draws come from the seed and
 * the round. Every native matrix is freed before {@link #fit} returns, and the booster too when it
 * fails.
 */
public final class GbtTrainer {

  private static final AtomicInteger LIVE_MATRICES = new AtomicInteger();

  /** What one fit is made with: the spec's {@code trainer.gbt} keys and the trainer's own. */
  public record Params(
      GbtSpec gbt, double validationFraction, long seed, int threads, int numClasses) {

    public Params {
      if (numClasses < 2) {
        throw new IllegalArgumentException("gbt needs at least 2 classes, got " + numClasses);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
    }

    public static Params of(TrainerSpec spec, int threads, int numClasses) {
      return new Params(spec.gbt(), spec.validationFraction(), spec.seed(), threads, numClasses);
    }

    /** XGBoost's parameters of round {@code round} (a new map each call). */
    public Map<String, Object> booster(int round) {
      Map<String, Object> p = new HashMap<>();
      if (numClasses == 2) {
        p.put("objective", "binary:logistic");
        p.put("eval_metric", "logloss");
      } else {
        p.put("objective", "multi:softprob");
        p.put("num_class", numClasses);
        p.put("eval_metric", "mlogloss");
      }
      p.put("tree_method", "hist");
      int maxLeaves = gbt.get(GbtSpec.MAX_LEAVES);
      p.put("grow_policy", maxLeaves > 0 ? "lossguide" : "depthwise");
      p.put("max_leaves", maxLeaves);
      p.put("max_depth", gbt.get(GbtSpec.MAX_DEPTH));
      p.put("eta", gbt.get(GbtSpec.LEARNING_RATE));
      p.put("min_child_weight", gbt.get(GbtSpec.MIN_CHILD_WEIGHT));
      p.put("subsample", gbt.get(GbtSpec.SUBSAMPLE));
      p.put("colsample_bytree", gbt.get(GbtSpec.COLSAMPLE_BYTREE));
      p.put("lambda", gbt.get(GbtSpec.LAMBDA));
      p.put("max_bin", gbt.get(GbtSpec.MAX_BIN));
      p.put("nthread", threads);
      p.put("seed", (int) roundSeed(round));
      p.put("verbosity", 0);
      return p;
    }

    long roundSeed(int round) {
      return seed * 1_000_003L + round;
    }
  }

  /**
   * One fit.
   *
   * @param iterations boosting iterations made (the last ones may not score: see bestIteration)
   * @param bestIteration 0-based iteration with the lowest validation loss (the last one without a
   *     validation slice); the classifier scores with iterations 0..bestIteration
   * @param trainLoss unweighted mean log-loss of the classifier on its training rows
   * @param validationLosses validation log-loss after each iteration (empty without a slice)
   */
  public record Fit(
      GbtClassifier classifier,
      int iterations,
      int bestIteration,
      boolean stoppedEarly,
      double trainLoss,
      List<Double> validationLosses,
      int trainRows,
      int validationRows,
      long durationMs) {}

  private GbtTrainer() {}

  /**
   * Fits a new ensemble on {@code rows} (each as wide as the first) and their class indexes.
   *
   * @param cancelled checked before every iteration; when true the fit stops with a {@link
   *     CancellationException} and frees what it made
   */
  public static Fit fit(
      float[][] rows, int[] labels, Params params, int round, BooleanSupplier cancelled) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    if (rows.length != labels.length) {
      throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
    }
    long start = System.nanoTime();
    int featureCount = rows[0].length;
    int numClasses = params.numClasses();
    for (int label : labels) {
      if (label < 0 || label >= numClasses) {
        throw new IllegalArgumentException(
            "label " + label + " is not a class index in 0.." + (numClasses - 1));
      }
    }
    Random random = new Random(params.roundSeed(round));
    int[][] split = RoundLoop.split(labels, numClasses, params.validationFraction(), random);
    int[] train = split[0];
    int[] validation = split[1];
    boolean balanced = params.gbt().get(GbtSpec.CLASS_WEIGHT) == GbtSpec.ClassWeight.BALANCED;
    int maxIterations = params.gbt().get(GbtSpec.ROUNDS);
    int patience = params.gbt().get(GbtSpec.EARLY_STOPPING_ROUNDS);

    DMatrix trainMatrix = null;
    DMatrix validationMatrix = null;
    GbtClassifier classifier = null;
    try {
      trainMatrix = matrix(rows, labels, train, featureCount, balanced ? numClasses : 0);
      if (validation.length > 0) {
        validationMatrix = matrix(rows, labels, validation, featureCount, 0);
      }
      Booster booster = XGBoost.train(trainMatrix, params.booster(round), 0, Map.of(), null, null);
      List<Double> validationLosses = new ArrayList<>();
      double bestLoss = Double.POSITIVE_INFINITY;
      int bestIteration = 0;
      int iteration = 0;
      try {
        for (; iteration < maxIterations; iteration++) {
          if (cancelled.getAsBoolean()) {
            throw new CancellationException("training round cancelled");
          }
          booster.update(trainMatrix, iteration);
          if (validationMatrix == null) {
            bestIteration = iteration;
            continue;
          }
          double loss =
              lossOf(
                  booster.evalSet(
                      new DMatrix[] {validationMatrix}, new String[] {"valid"}, iteration));
          validationLosses.add(loss);
          if (loss < bestLoss) {
            bestLoss = loss;
            bestIteration = iteration;
          } else if (iteration - bestIteration >= patience) {
            iteration++;
            break;
          }
        }
        booster.setAttr(GbtClassifier.ITERATIONS_ATTRIBUTE, String.valueOf(bestIteration + 1));
      } catch (XGBoostError | RuntimeException e) {
        booster.dispose();
        throw e;
      }
      classifier = new GbtClassifier(booster, numClasses, featureCount, bestIteration + 1);
      double trainLoss = meanLogLoss(classifier, rows, labels, train);
      Fit fit =
          new Fit(
              classifier,
              iteration,
              bestIteration,
              iteration < maxIterations,
              trainLoss,
              List.copyOf(validationLosses),
              train.length,
              validation.length,
              (System.nanoTime() - start) / 1_000_000);
      classifier = null;
      return fit;
    } catch (XGBoostError e) {
      throw new IllegalStateException("gbt training failed: " + e.getMessage(), e);
    } finally {
      if (classifier != null) {
        classifier.close();
      }
      dispose(trainMatrix);
      dispose(validationMatrix);
    }
  }

  /** Native matrices not yet freed in this JVM (to check that rounds free what they made). */
  public static int liveMatrices() {
    return LIVE_MATRICES.get();
  }

  /**
   * The rows {@code picked} as a dense matrix with their labels; with {@code balancedClasses} > 0,
   * each row weighs n / (classes present × n_class) as the MLP's loss weighs it.
   */
  private static DMatrix matrix(
      float[][] rows, int[] labels, int[] picked, int featureCount, int balancedClasses)
      throws XGBoostError {
    float[] flat = new float[picked.length * featureCount];
    float[] pickedLabels = new float[picked.length];
    for (int i = 0; i < picked.length; i++) {
      float[] row = rows[picked[i]];
      if (row == null || row.length != featureCount) {
        throw new IllegalArgumentException(
            "row "
                + picked[i]
                + " has "
                + (row == null ? 0 : row.length)
                + " features, the first has "
                + featureCount);
      }
      System.arraycopy(row, 0, flat, i * featureCount, featureCount);
      pickedLabels[i] = labels[picked[i]];
    }
    DMatrix matrix = new DMatrix(flat, picked.length, featureCount, Float.NaN);
    LIVE_MATRICES.incrementAndGet();
    try {
      matrix.setLabel(pickedLabels);
      if (balancedClasses > 0) {
        long[] counts = new long[balancedClasses];
        for (int row : picked) {
          counts[labels[row]]++;
        }
        float[] classWeights = RoundLoop.balancedClassWeights(counts);
        float[] weights = new float[picked.length];
        for (int i = 0; i < picked.length; i++) {
          weights[i] = classWeights[labels[picked[i]]];
        }
        matrix.setWeight(weights);
      }
      return matrix;
    } catch (XGBoostError | RuntimeException e) {
      dispose(matrix);
      throw e;
    }
  }

  private static void dispose(DMatrix matrix) {
    if (matrix != null) {
      matrix.dispose();
      LIVE_MATRICES.decrementAndGet();
    }
  }

  /** The metric of XGBoost's evaluation line, e.g. {@code [3]\tvalid-mlogloss:0.4123}. */
  static double lossOf(String evaluation) {
    int colon = evaluation.lastIndexOf(':');
    try {
      return Double.parseDouble(evaluation.substring(colon + 1).trim());
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalStateException("unexpected XGBoost evaluation '" + evaluation + "'", e);
    }
  }

  private static double meanLogLoss(
      GbtClassifier classifier, float[][] rows, int[] labels, int[] picked) {
    float[][] subset = new float[picked.length][];
    for (int i = 0; i < picked.length; i++) {
      subset[i] = rows[picked[i]];
    }
    float[][] probabilities = classifier.probabilities(subset);
    double sum = 0;
    for (int i = 0; i < picked.length; i++) {
      sum -= Math.log(Math.max(probabilities[i][labels[picked[i]]], 1e-12));
    }
    return sum / picked.length;
  }
}
