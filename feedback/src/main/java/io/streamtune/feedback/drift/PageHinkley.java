package io.streamtune.feedback.drift;

/**
 * The Page-Hinkley test for an increase of the mean, as MOA's {@code
 * moa.classifiers.core.driftdetection.PageHinkleyDM} computes it: with x̄ the running mean since
 * the last reset, the fading cumulative sum S ← α·S + (x − x̄ − δ) signals a change once it exceeds
 * λ, but not before {@code minInstances} values (counted as MOA does: the test is on from the
 * {@code minInstances - 1}th value after a reset). After a change it starts over, as MOA's does on
 * its next input; {@code PageHinkleyTest} checks detections index for index against MOA.
 *
 * <p>Not thread-safe; {@link #state()} and {@link #restore(State)} carry the whole state.
 */
public final class PageHinkley {

  public static final double DEFAULT_DELTA = 0.005;
  public static final double DEFAULT_LAMBDA = 50;
  public static final double DEFAULT_ALPHA = 1 - 0.0001;
  public static final int DEFAULT_MIN_INSTANCES = 30;

  /** The serializable state; {@code n} is MOA's counter, 1 right after a reset. */
  public record State(
      double delta,
      double lambda,
      double alpha,
      int minInstances,
      long n,
      double mean,
      double sum) {}

  private final double delta;
  private final double lambda;
  private final double alpha;
  private final int minInstances;
  private long n = 1;
  private double mean;
  private double sum;

  public PageHinkley() {
    this(DEFAULT_DELTA, DEFAULT_LAMBDA, DEFAULT_ALPHA, DEFAULT_MIN_INSTANCES);
  }

  /**
   * @param delta magnitude of change tolerated: subtracted from every deviation
   * @param lambda the threshold of the cumulative sum
   * @param alpha fading factor of the cumulative sum (1: no fading)
   * @param minInstances values after a reset before a change may be signalled
   */
  public PageHinkley(double delta, double lambda, double alpha, int minInstances) {
    if (!(delta >= 0)) {
      throw new IllegalArgumentException("delta must be at least 0, got " + delta);
    }
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("lambda must be positive, got " + lambda);
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
    }
    if (minInstances < 0) {
      throw new IllegalArgumentException("minInstances must be at least 0, got " + minInstances);
    }
    this.delta = delta;
    this.lambda = lambda;
    this.alpha = alpha;
    this.minInstances = minInstances;
  }

  public static PageHinkley restore(State state) {
    PageHinkley test =
        new PageHinkley(state.delta(), state.lambda(), state.alpha(), state.minInstances());
    test.n = state.n();
    test.mean = state.mean();
    test.sum = state.sum();
    return test;
  }

  public State state() {
    return new State(delta, lambda, alpha, minInstances, n, mean, sum);
  }

  /**
   * Adds a value.
   *
   * @return whether the mean increased (the test starts over: the next value is its first)
   */
  public boolean add(double x) {
    mean = mean + (x - mean) / (double) n;
    sum = alpha * sum + (x - mean - delta);
    n++;
    if (n < minInstances) {
      return false;
    }
    return sum > lambda;
  }

  /** Starts over, as after a detection. */
  public void reset() {
    n = 1;
    mean = 0;
    sum = 0;
  }

  /** The cumulative sum (the statistic compared with λ). */
  public double sum() {
    return sum;
  }

  /** Mean of the values since the last reset. */
  public double mean() {
    return mean;
  }

  /** Values since the last reset. */
  public long count() {
    return n - 1;
  }

  public double lambda() {
    return lambda;
  }
}
