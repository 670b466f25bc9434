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
 * inputs and seed give the same interval whatever was computed before. {@link #draw} draws the
 * resamples once for the accuracy and macro-F1 intervals of one holdout and a paired comparison on
 * it.
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
   * The scores of every resample, drawn once: a holdout's accuracy and macro-F1 intervals and the
   * paired comparison with a reference are all read from the same draws.
   *
   * @param accuracy the accuracy of {@code predicted} on each resample
   * @param macroF1 its macro F1 on each resample
   * @param macroF1Differences its macro F1 minus the reference's on each resample; null when drawn
   *     without a reference
   */
  public record Draws(double[] accuracy, double[] macroF1, double[] macroF1Differences) {

    /** The central {@code level} percentile interval of the resampled accuracies. */
    public Interval accuracyInterval(double level) {
      Interval.checkLevel(level);
      return percentileInterval(accuracy.clone(), level);
    }

    /** The central {@code level} percentile interval of the resampled macro F1s. */
    public Interval macroF1Interval(double level) {
      Interval.checkLevel(level);
      return percentileInterval(macroF1.clone(), level);
    }
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
    int classes = 1;
    for (int i = 0; i < actual.length; i++) {
      classes = Math.max(classes, Math.max(actual[i], predicted[i]) + 1);
    }
    return draw(actual, predicted, null, classes).accuracyInterval(level);
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
    return draw(actual, predicted, null, classes).macroF1Interval(level);
  }

  /**
   * Draws the resamples once and scores {@code predicted} (and {@code reference}, when not null) on
   * each: both are scored on the same drawn examples, which is what makes a comparison paired.
   *
   * @throws IllegalArgumentException when the arrays are null, empty, of different lengths or hold
   *     an index outside {@code 0..classes-1}
   */
  public Draws draw(int[] actual, int[] predicted, int[] reference, int classes) {
    ClassificationMetrics.checkScorable(actual, "predicted", predicted, classes);
    if (reference != null) {
      ClassificationMetrics.checkScorable(actual, "reference", reference, classes);
    }
    int n = actual.length;
    SplittableRandom random = new SplittableRandom(seed);
    double[] accuracies = new double[resamples];
    double[] macroF1s = new double[resamples];
    double[] differences = reference == null ? null : new double[resamples];
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
      long correct = 0;
      for (int j = 0; j < n; j++) {
        int i = random.nextInt(n);
        int label = actual[i];
        actualCounts[label]++;
        firstPredicted[predicted[i]]++;
        if (predicted[i] == label) {
          firstTruePositives[label]++;
          correct++;
        }
        if (reference != null) {
          secondPredicted[reference[i]]++;
          if (reference[i] == label) {
            secondTruePositives[label]++;
          }
        }
      }
      accuracies[r] = (double) correct / n;
      macroF1s[r] =
          ClassificationMetrics.macroF1FromCounts(firstTruePositives, actualCounts, firstPredicted);
      if (reference != null) {
        differences[r] =
            macroF1s[r]
                - ClassificationMetrics.macroF1FromCounts(
                    secondTruePositives, actualCounts, secondPredicted);
      }
    }
    return new Draws(accuracies, macroF1s, differences);
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
