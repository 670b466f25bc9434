package io.streamtune.model.metrics;

/**
 * A two-sided confidence interval {@code [low, high]} at confidence {@code level} (e.g. 0.95).
 *
 * @throws IllegalArgumentException when {@code low > high}, either end is NaN, or {@code level} is
 *     not in (0, 1)
 */
public record Interval(double low, double high, double level) {

  public Interval {
    if (Double.isNaN(low) || Double.isNaN(high) || low > high) {
      throw new IllegalArgumentException(
          "an interval needs low <= high, got [" + low + ", " + high + "]");
    }
    checkLevel(level);
  }

  /** Whether {@code value} lies inside the closed interval. */
  public boolean contains(double value) {
    return low <= value && value <= high;
  }

  static void checkLevel(double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException(
          "confidence level must be in (0, 1), e.g. 0.95; got " + level);
    }
  }
}
