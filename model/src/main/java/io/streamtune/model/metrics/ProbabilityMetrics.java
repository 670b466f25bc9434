package io.streamtune.model.metrics;

import io.streamtune.model.scoring.ScoringModel;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.DoubleStream;

/**
 * Scores of predicted class probabilities against actual labels, with scikit-learn 1.2's
 * definitions (checked against it by golden files, see {@code model/src/test/python}):
 *
 * <ul>
 *   <li><b>Log loss</b>: {@code log_loss(y, p, labels=range(K))} on the probabilities as doubles:
 *       each probability clipped to {@code [ε, 1 − ε]} with ε the double machine epsilon (sklearn's
 *       {@code eps="auto"} for float64), each row renormalised to sum 1, then the mean of −ln p of
 *       the true class.
 *   <li><b>Brier score</b>: the original multi-class definition, {@code mean_i Σ_k (p_ik − [y_i =
 *       k])²}, in [0, 2] (sklearn 1.2's {@code brier_score_loss} is binary only; for two classes
 *       whose rows sum to 1 this is twice its value on the second class's probability).
 *   <li><b>ROC-AUC and PR-AUC one-vs-rest</b> per class k: {@code roc_auc_score(y == k, p[:, k])}
 *       and {@code average_precision_score(y == k, p[:, k])} (the step-wise average precision
 *       {@code Σ_n (R_n − R_{n−1}) P_n} over distinct thresholds, no interpolation). Tied scores
 *       form one threshold, so a tied positive–negative pair counts half for ROC-AUC. A class
 *       absent from the actual labels has neither (NaN); ROC-AUC also needs a negative, so it is
 *       NaN for a class that is every actual label. The macro averages are the means over the
 *       classes where the score is defined (NaN when there is none).
 *   <li><b>Expected calibration error</b>: {@value #CALIBRATION_BINS} equal-width bins of the
 *       confidence (the highest probability of a row), bin b holding confidences in {@code (b/15,
 *       (b+1)/15]} (a confidence of 0 goes to the first bin); ECE = {@code Σ_b (n_b / n) ·
 *       |accuracy of b − mean confidence of b|}, where a row is right when its most probable class
 *       (the lowest index on a tie, as {@link ScoringModel#argMax}) is the actual one.
 * </ul>
 */
public final class ProbabilityMetrics {

  /** Bins of the expected calibration error. */
  public static final int CALIBRATION_BINS = 15;

  /** sklearn's {@code eps="auto"} for float64 probabilities. */
  private static final double LOG_LOSS_EPSILON = Math.ulp(1.0);

  private final double logLoss;
  private final double brierScore;
  private final double[] rocAuc;
  private final double[] averagePrecision;
  private final double expectedCalibrationError;

  private ProbabilityMetrics(
      double logLoss,
      double brierScore,
      double[] rocAuc,
      double[] averagePrecision,
      double expectedCalibrationError) {
    this.logLoss = logLoss;
    this.brierScore = brierScore;
    this.rocAuc = rocAuc;
    this.averagePrecision = averagePrecision;
    this.expectedCalibrationError = expectedCalibrationError;
  }

  /**
   * Scores {@code probabilities} (one row per example, one column per class) against {@code actual}
   * class indexes.
   *
   * @throws IllegalArgumentException when there are no examples, the row count differs from the
   *     label count, a row is not {@code classes} wide or holds a negative or non-finite value, or
   *     an actual index is outside {@code 0..classes-1}
   */
  public static ProbabilityMetrics compute(int[] actual, float[][] probabilities, int classes) {
    check(actual, probabilities, classes);
    int n = actual.length;
    double logLossSum = 0;
    double brierSum = 0;
    for (int i = 0; i < n; i++) {
      logLossSum += exampleLogLoss(probabilities[i], actual[i]);
      for (int k = 0; k < classes; k++) {
        double error = probabilities[i][k] - (actual[i] == k ? 1.0 : 0.0);
        brierSum += error * error;
      }
    }
    double[] rocAuc = new double[classes];
    double[] averagePrecision = new double[classes];
    for (int k = 0; k < classes; k++) {
      boolean[] positive = new boolean[n];
      double[] score = new double[n];
      for (int i = 0; i < n; i++) {
        positive[i] = actual[i] == k;
        score[i] = probabilities[i][k];
      }
      rocAuc[k] = rocAuc(positive, score);
      averagePrecision[k] = averagePrecision(positive, score);
    }
    return new ProbabilityMetrics(
        logLossSum / n,
        brierSum / n,
        rocAuc,
        averagePrecision,
        expectedCalibrationError(actual, probabilities));
  }

  /**
   * −ln of the true class's probability after sklearn's clipping and row renormalisation: the
   * holdout's per-example log loss (the feedback app keeps only the true-class probability and uses
   * {@link #trueClassLogLoss}, with the same clipping).
   */
  public static double exampleLogLoss(float[] row, int actualClass) {
    double rowSum = 0;
    for (float p : row) {
      rowSum += clip(p);
    }
    return -Math.log(clip(row[actualClass]) / rowSum);
  }

  /**
   * −ln of a true-class probability clipped to {@code [ε, 1 − ε]} (no row to renormalise): the
   * feedback app's online log loss, per labelled prediction, which keeps only that probability.
   */
  public static double trueClassLogLoss(double p) {
    return -Math.log(clip(Double.isNaN(p) ? 0 : p));
  }

  private static double clip(double p) {
    return Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
  }

  /**
   * Area under the ROC curve of {@code score} ranking {@code positive} examples first, ties as one
   * threshold (trapezoid); NaN without a positive or without a negative example.
   */
  public static double rocAuc(boolean[] positive, double[] score) {
    int[] order = descendingOrder(score);
    long positives = countTrue(positive);
    long negatives = positive.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double area = 0;
    long truePositives = 0;
    long falsePositives = 0;
    int i = 0;
    while (i < order.length) {
      long previousTruePositives = truePositives;
      long previousFalsePositives = falsePositives;
      double threshold = score[order[i]];
      for (; i < order.length && score[order[i]] == threshold; i++) {
        if (positive[order[i]]) {
          truePositives++;
        } else {
          falsePositives++;
        }
      }
      area +=
          (falsePositives - previousFalsePositives) * (truePositives + previousTruePositives) / 2.0;
    }
    return area / ((double) positives * negatives);
  }

  /**
   * Step-wise average precision {@code Σ_n (R_n − R_{n−1}) P_n} over the distinct thresholds of
   * {@code score}, highest first; NaN without a positive example.
   */
  public static double averagePrecision(boolean[] positive, double[] score) {
    int[] order = descendingOrder(score);
    long positives = countTrue(positive);
    if (positives == 0) {
      return Double.NaN;
    }
    double sum = 0;
    double previousRecall = 0;
    long truePositives = 0;
    long ranked = 0;
    int i = 0;
    while (i < order.length) {
      double threshold = score[order[i]];
      for (; i < order.length && score[order[i]] == threshold; i++) {
        ranked++;
        if (positive[order[i]]) {
          truePositives++;
        }
      }
      double recall = (double) truePositives / positives;
      sum += (recall - previousRecall) * ((double) truePositives / ranked);
      previousRecall = recall;
    }
    return sum;
  }

  private static double expectedCalibrationError(int[] actual, float[][] probabilities) {
    int[] predicted = ScoringModel.argMax(probabilities);
    long[] count = new long[CALIBRATION_BINS];
    long[] correct = new long[CALIBRATION_BINS];
    double[] confidenceSum = new double[CALIBRATION_BINS];
    for (int i = 0; i < actual.length; i++) {
      double confidence = probabilities[i][predicted[i]];
      int bin = (int) Math.ceil(confidence * CALIBRATION_BINS) - 1;
      bin = Math.max(0, Math.min(CALIBRATION_BINS - 1, bin));
      count[bin]++;
      confidenceSum[bin] += confidence;
      if (predicted[i] == actual[i]) {
        correct[bin]++;
      }
    }
    double ece = 0;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      if (count[b] > 0) {
        double gap = Math.abs((double) correct[b] / count[b] - confidenceSum[b] / count[b]);
        ece += (double) count[b] / actual.length * gap;
      }
    }
    return ece;
  }

  private static int[] descendingOrder(double[] score) {
    Integer[] boxed = new Integer[score.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (a, b) -> Double.compare(score[b], score[a]));
    return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
  }

  private static long countTrue(boolean[] values) {
    long count = 0;
    for (boolean value : values) {
      if (value) {
        count++;
      }
    }
    return count;
  }

  private static void check(int[] actual, float[][] probabilities, int classes) {
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(probabilities, "probabilities");
    if (classes < 1) {
      throw new IllegalArgumentException(
          "the number of classes must be at least 1, got " + classes);
    }
    ClassificationMetrics.checkLengths(actual.length, "probabilities", probabilities.length);
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] < 0 || actual[i] >= classes) {
        throw new IllegalArgumentException(
            "actual["
                + i
                + "] = "
                + actual[i]
                + " is not a class index; allowed 0.."
                + (classes - 1));
      }
      float[] row = probabilities[i];
      if (row == null || row.length != classes) {
        throw new IllegalArgumentException(
            "probabilities["
                + i
                + "] has "
                + (row == null ? "no" : String.valueOf(row.length))
                + " columns; expected one per class, "
                + classes);
      }
      for (float p : row) {
        if (!(p >= 0) || Float.isInfinite(p)) {
          throw new IllegalArgumentException(
              "probabilities[" + i + "] holds " + p + "; probabilities must be finite and >= 0");
        }
      }
    }
  }

  /** Mean of −ln p(true class), sklearn's log_loss. */
  public double logLoss() {
    return logLoss;
  }

  /** Multi-class Brier score, {@code mean_i Σ_k (p_ik − [y_i = k])²}, in [0, 2]. */
  public double brierScore() {
    return brierScore;
  }

  /** One-vs-rest ROC-AUC of class {@code k}; NaN when the class or its complement is absent. */
  public double rocAuc(int k) {
    return rocAuc[k];
  }

  /** One-vs-rest average precision (PR-AUC) of class {@code k}; NaN when the class is absent. */
  public double averagePrecision(int k) {
    return averagePrecision[k];
  }

  /** Mean one-vs-rest ROC-AUC over the classes where it is defined; NaN when none. */
  public double macroRocAuc() {
    return meanOfDefined(rocAuc);
  }

  /** Mean average precision over the classes present in the actual labels; NaN when none. */
  public double macroAveragePrecision() {
    return meanOfDefined(averagePrecision);
  }

  public double expectedCalibrationError() {
    return expectedCalibrationError;
  }

  private static double meanOfDefined(double[] values) {
    return DoubleStream.of(values).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
  }
}
