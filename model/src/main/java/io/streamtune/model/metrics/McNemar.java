package io.streamtune.model.metrics;

/**
 * McNemar's test on paired outcomes, exact: under the null hypothesis that both models err equally
 * often, the discordant pairs split b : c as a fair coin, so the two-sided p-value is {@code min(1,
 * 2·P(X ≥ max(b, c)))} for X ~ Binomial(b + c, ½). Exact rather than the continuity-corrected
 * chi-square, because decisions are taken on a few hundred pairs of which often only a few dozen
 * are discordant, where the chi-square approximation is poor. The one implementation, used by the
 * evaluator's gate ({@link PairedTests#mcNemarAccuracy}) and the feedback app's rollback judge.
 */
public final class McNemar {

  private McNemar() {}

  /**
   * @param b pairs where only the first model was wrong
   * @param c pairs where only the second model was wrong
   */
  public static double pValue(long b, long c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("counts must be non-negative, got b=" + b + ", c=" + c);
    }
    long n = b + c;
    if (n == 0) {
      return 1;
    }
    return Math.min(1, 2 * upperTail(n, Math.max(b, c)));
  }

  /** P(X ≥ k) for X ~ Binomial(n, ½), summed in log space (n may be large). */
  static double upperTail(long n, long k) {
    double ln2 = Math.log(2);
    // log C(n, k) built up from log C(n, n) = 0, downwards
    double logChoose = 0;
    double logSum = Double.NEGATIVE_INFINITY;
    for (long j = n; j >= k; j--) {
      double term = logChoose - n * ln2;
      logSum = logAdd(logSum, term);
      // C(n, j-1) = C(n, j) * j / (n - j + 1)
      logChoose += Math.log(j) - Math.log(n - j + 1);
    }
    return Math.exp(logSum);
  }

  private static double logAdd(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    double max = Math.max(a, b);
    return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
  }
}
