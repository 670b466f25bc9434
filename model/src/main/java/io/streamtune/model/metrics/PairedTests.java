package io.streamtune.model.metrics;

/**
 * Paired tests of a challenger against a reference on the same examples (the evaluator's gate
 * compares a challenger with the champion on one holdout). Both p-values are two-sided, so that a
 * decision "p &lt; α and the difference is positive" agrees with "the {@code 1 − α} interval lies
 * above 0", and the two tests read alike in a report.
 */
public final class PairedTests {

  /** {@link PairedComparison#test()} of {@link #bootstrapMacroF1}. */
  public static final String BOOTSTRAP_MACRO_F1 = "paired-bootstrap-macro-f1";

  /** {@link PairedComparison#test()} of {@link #mcNemarAccuracy}. */
  public static final String MCNEMAR_ACCURACY = "mcnemar-accuracy";

  private PairedTests() {}

  /**
   * Paired bootstrap of the macro-F1 difference challenger − reference: each resample draws the
   * same {@code n} examples with replacement for both, and recomputes the difference d*.
   *
   * <p>The interval is the percentile interval of d* at {@code level} (see {@link Bootstrap}). The
   * p-value is two-sided, the inversion of that percentile interval: {@code p = min(1, 2 ·
   * min(P*(d* ≤ 0), P*(d* ≥ 0)))}, each share counted with the usual {@code (count + 1) /
   * (resamples + 1)} so that a finite number of resamples never claims p = 0. Its smallest value is
   * therefore {@code 2 / (resamples + 1)}. Why this definition: the bootstrap distribution of d* is
   * centred on the observed difference, so under "no difference" P*(d* ≤ 0) is roughly uniform, and
   * p &lt; α holds (up to resampling noise) exactly when the {@code 1 − α} percentile interval
   * excludes 0. Two identical predictors give d* = 0 on every resample, hence p = 1.
   *
   * @throws IllegalArgumentException on arrays that cannot be scored (null, empty, different
   *     lengths, an index outside {@code 0..classes-1}), {@code resamples < 1} or a level outside
   *     (0, 1)
   */
  public static PairedComparison bootstrapMacroF1(
      int[] actual,
      int[] challenger,
      int[] reference,
      int classes,
      int resamples,
      long seed,
      double level) {
    return bootstrapMacroF1(actual, challenger, reference, classes, resamples, seed, level, 0);
  }

  /**
   * As {@link #bootstrapMacroF1(int[], int[], int[], int, int, long, double)}, but the p-value
   * tests "the difference is {@code nullDifference}" rather than 0: a non-inferiority gate with
   * margin m asks whether the difference is above −m, i.e. passes {@code nullDifference = −m}.
   */
  public static PairedComparison bootstrapMacroF1(
      int[] actual,
      int[] challenger,
      int[] reference,
      int classes,
      int resamples,
      long seed,
      double level,
      double nullDifference) {
    Interval.checkLevel(level);
    ClassificationMetrics.checkScorable(actual, "challenger", challenger, classes);
    ClassificationMetrics.checkScorable(actual, "reference", reference, classes);
    double difference =
        ClassificationMetrics.macroF1(actual, challenger, classes)
            - ClassificationMetrics.macroF1(actual, reference, classes);
    Bootstrap.Draws draws =
        new Bootstrap(resamples, seed).draw(actual, challenger, reference, classes);
    return bootstrapMacroF1(difference, draws, level, nullDifference);
  }

  /**
   * The paired bootstrap of {@link #bootstrapMacroF1(int[], int[], int[], int, int, long, double,
   * double)} on resamples already drawn against the reference, for a caller that has drawn them for
   * its intervals and knows both macro F1s.
   *
   * @param difference the observed macro-F1 difference challenger − reference
   * @param draws drawn with the reference's predictions
   * @throws IllegalArgumentException when {@code draws} has no differences or the level is outside
   *     (0, 1)
   */
  public static PairedComparison bootstrapMacroF1(
      double difference, Bootstrap.Draws draws, double level, double nullDifference) {
    Interval.checkLevel(level);
    double[] resampled = draws.macroF1Differences();
    if (resampled == null) {
      throw new IllegalArgumentException("the resamples were drawn without a reference");
    }
    int resamples = resampled.length;
    long atOrBelow = 0;
    long atOrAbove = 0;
    for (double d : resampled) {
      if (d <= nullDifference) {
        atOrBelow++;
      }
      if (d >= nullDifference) {
        atOrAbove++;
      }
    }
    double lowerShare = (atOrBelow + 1.0) / (resamples + 1.0);
    double upperShare = (atOrAbove + 1.0) / (resamples + 1.0);
    double p = Math.min(1, 2 * Math.min(lowerShare, upperShare));
    return new PairedComparison(
        BOOTSTRAP_MACRO_F1, difference, Bootstrap.percentileInterval(resampled.clone(), level), p);
  }

  /** {@link #mcNemarAccuracy(int[], int[], int[], double)} with a 95% interval. */
  public static PairedComparison mcNemarAccuracy(int[] actual, int[] challenger, int[] reference) {
    return mcNemarAccuracy(actual, challenger, reference, 0.95);
  }

  /**
   * McNemar's exact test of the accuracy difference challenger − reference. With n10 the examples
   * only the challenger gets right and n01 those only the reference gets right, the difference is
   * {@code (n10 − n01) / n} and the p-value {@link McNemar#pValue(long, long)}'s exact two-sided
   * one. The interval is Agresti and Min's (2005) adjusted Wald interval for a difference of paired
   * proportions (½ added to each of the four cells), which keeps its coverage with few discordant
   * pairs where the plain Wald interval collapses to a point.
   *
   * @throws IllegalArgumentException when the arrays are null, empty or of different lengths, or
   *     the level is outside (0, 1)
   */
  public static PairedComparison mcNemarAccuracy(
      int[] actual, int[] challenger, int[] reference, double level) {
    Interval.checkLevel(level);
    checkPaired(actual, challenger, reference);
    int n = actual.length;
    long onlyChallengerRight = 0;
    long onlyReferenceRight = 0;
    for (int i = 0; i < n; i++) {
      boolean challengerRight = challenger[i] == actual[i];
      boolean referenceRight = reference[i] == actual[i];
      if (challengerRight && !referenceRight) {
        onlyChallengerRight++;
      } else if (referenceRight && !challengerRight) {
        onlyReferenceRight++;
      }
    }
    double difference = (double) (onlyChallengerRight - onlyReferenceRight) / n;
    double adjustedN = n + 2.0;
    double adjusted10 = onlyChallengerRight + 0.5;
    double adjusted01 = onlyReferenceRight + 0.5;
    double adjustedDifference = (adjusted10 - adjusted01) / adjustedN;
    double standardError =
        Math.sqrt(
                (adjusted10 + adjusted01)
                    - (adjusted10 - adjusted01) * (adjusted10 - adjusted01) / adjustedN)
            / adjustedN;
    double z = standardNormalQuantile(1 - (1 - level) / 2);
    Interval interval =
        new Interval(
            Math.max(-1, adjustedDifference - z * standardError),
            Math.min(1, adjustedDifference + z * standardError),
            level);
    return new PairedComparison(
        MCNEMAR_ACCURACY,
        difference,
        interval,
        McNemar.pValue(onlyReferenceRight, onlyChallengerRight));
  }

  private static void checkPaired(int[] actual, int[] challenger, int[] reference) {
    if (actual == null || challenger == null || reference == null) {
      throw new IllegalArgumentException("actual, challenger and reference labels are required");
    }
    if (actual.length != challenger.length || actual.length != reference.length) {
      throw new IllegalArgumentException(
          "a paired test needs predictions of the same examples: actual has "
              + actual.length
              + ", challenger "
              + challenger.length
              + ", reference "
              + reference.length);
    }
    if (actual.length == 0) {
      throw new IllegalArgumentException("cannot compare on zero examples");
    }
  }

  /**
   * Inverse of the standard normal distribution function, by Acklam's rational approximation
   * (relative error below 1.2e-9), ample for the width of an interval.
   */
  static double standardNormalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("a probability in (0, 1) is required, got " + p);
    }
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -standardNormalQuantile(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
