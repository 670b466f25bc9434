package io.streamtune.model.metrics;

/**
 * Percentiles of per-example scoring times: p50 and p99 in milliseconds over {@code samples}
 * measurements, each the linear-interpolated quantile between order statistics (numpy's default, as
 * {@link Bootstrap}'s intervals).
 */
public record Latency(double p50Millis, double p99Millis, int samples) {

  /**
   * @param nanos one measured duration per scored example, in nanoseconds
   * @throws IllegalArgumentException when there is no measurement or one is negative
   */
  public static Latency ofNanos(long[] nanos) {
    if (nanos == null || nanos.length == 0) {
      throw new IllegalArgumentException("no latency was measured");
    }
    double[] millis = new double[nanos.length];
    for (int i = 0; i < nanos.length; i++) {
      if (nanos[i] < 0) {
        throw new IllegalArgumentException("a latency cannot be negative, got " + nanos[i] + " ns");
      }
      millis[i] = nanos[i] / 1e6;
    }
    java.util.Arrays.sort(millis);
    return new Latency(
        Bootstrap.quantile(millis, 0.50), Bootstrap.quantile(millis, 0.99), nanos.length);
  }
}
