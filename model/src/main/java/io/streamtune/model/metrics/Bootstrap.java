package io.streamtune.model.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded nonparametric bootstrap confidence intervals of a score over a holdout: each of {@code
 * resamples} resamples draws {@code n} examples with replacement from the {@code n} scored ones,
 * the score is recomputed on it, and the interval is the percentile interval of those scores — the
 * {@code (1 − level)/2} and {@code (1 + level)/2} quantiles, each interpolated linearly between
 * order statistics (numpy's default {@code "linear"} quantile, Hyndman–Fan type 7).
 *
 * <p>Reproducible: every call starts a fresh {@link SplittableRandom} from the seed, so the same
 * inputs and seed give the same interval whatever was computed before, and the accuracy and macro
 * F1 intervals of one holdout are computed on the same resamples.
 *
 * <p>Macro F1 of a resample has {@link ClassificationMetrics}' semantics (all classes count; a
 * class absent from a resample's labels scores 0), computed bit for bit as there.
 */
public final class Bootstrap {

  /** The number of resamples a report's intervals use unless configured otherwise. */
  public static final int DEFAULT_RESAMPLES = 1000;

  private final int resamples;
  private final long seed;

  /**
   * @throws IllegalArgumentException when {@code resamples < 1}
   */
  public Bootstrap(int resamples, long seed) {
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
    }
    this.resamples = resamples;
    this.seed = seed;
  }

  public int resamples() {
    return resamples;
  }

  public long seed() {
    return seed;
  }

  /**
   * Percentile interval of the accuracy of {@code predicted} against {@code actual}.
   *
   * @throws IllegalArgumentException when the arrays are null, empty or of different lengths, or
   *     {@code level} is not in (0, 1)
   */
  public Interval accuracy(int[] actual, int[] predicted, double level) {
    Interval.checkLevel(level);
    checkSameLength(actual, predicted);
    int n = actual.length;
    SplittableRandom random = new SplittableRandom(seed);
    double[] scores = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      long correct = 0;
      for (int j = 0; j < n; j++) {
        int i = random.nextInt(n);
        if (actual[i] == predicted[i]) {
          correct++;
        }
      }
      scores[r] = (double) correct / n;
    }
    return percentileInterval(scores, level);
  }

  /**
   * Percentile interval of the macro F1 of {@code predicted} against {@code actual} over classes
   * {@code 0..classes-1}.
   *
   * @throws IllegalArgumentException when the arrays are null, empty, of different lengths or hold
   *     an index outside {@code 0..classes-1}, or {@code level} is not in (0, 1)
   */
  public Interval macroF1(int[] actual, int[] predicted, int classes, double level) {
    Interval.checkLevel(level);
    ClassificationMetrics.checkScorable(actual, "predicted", predicted, classes);
    return percentileInterval(
        resampledMacroF1Differences(actual, predicted, null, classes, resamples, seed), level);
  }

  /**
   * Macro F1 of {@code first} (minus that of {@code second}, when not null) on each resample; both
   * are scored on the same drawn examples, which is what makes a comparison paired.
   */
  static double[] resampledMacroF1Differences(
      int[] actual, int[] first, int[] second, int classes, int resamples, long seed) {
    int n = actual.length;
    SplittableRandom random = new SplittableRandom(seed);
    double[] values = new double[resamples];
    long[] actualCounts = new long[classes];
    long[] firstTruePositives = new long[classes];
    long[] firstPredicted = new long[classes];
    long[] secondTruePositives = new long[classes];
    long[] secondPredicted = new long[classes];
    for (int r = 0; r < resamples; r++) {
      Arrays.fill(actualCounts, 0);
      Arrays.fill(firstTruePositives, 0);
      Arrays.fill(firstPredicted, 0);
      Arrays.fill(secondTruePositives, 0);
      Arrays.fill(secondPredicted, 0);
      for (int j = 0; j < n; j++) {
        int i = random.nextInt(n);
        int label = actual[i];
        actualCounts[label]++;
        firstPredicted[first[i]]++;
        if (first[i] == label) {
          firstTruePositives[label]++;
        }
        if (second != null) {
          secondPredicted[second[i]]++;
          if (second[i] == label) {
            secondTruePositives[label]++;
          }
        }
      }
      double value =
          ClassificationMetrics.macroF1FromCounts(firstTruePositives, actualCounts, firstPredicted);
      if (second != null) {
        value -=
            ClassificationMetrics.macroF1FromCounts(
                secondTruePositives, actualCounts, secondPredicted);
      }
      values[r] = value;
    }
    return values;
  }

  /** The central {@code level} percentile interval of {@code values} (sorted in place). */
  static Interval percentileInterval(double[] values, double level) {
    Arrays.sort(values);
    double tail = (1 - level) / 2;
    return new Interval(quantile(values, tail), quantile(values, 1 - tail), level);
  }

  /** Quantile {@code q} of sorted {@code values}, linear between order statistics (type 7). */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
  }

  private static void checkSameLength(int[] actual, int[] predicted) {
    if (actual == null || predicted == null) {
      throw new IllegalArgumentException("actual and predicted labels are required");
    }
    ClassificationMetrics.checkLengths(actual.length, "predicted", predicted.length);
  }
}
