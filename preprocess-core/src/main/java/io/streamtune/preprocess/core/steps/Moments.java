package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Per-column count, mean, sum of squared deviations (Welford), minimum and maximum of the non-
 * missing values seen; variance is the population variance, as in scikit-learn.
 */
final class Moments {

  final long[] count;
  final double[] mean;
  final double[] m2;
  final double[] min;
  final double[] max;

  Moments(int columns) {
    count = new long[columns];
    mean = new double[columns];
    m2 = new double[columns];
    min = new double[columns];
    max = new double[columns];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  void add(int column, double x) {
    if (Double.isNaN(x)) {
      return;
    }
    long n = ++count[column];
    double delta = x - mean[column];
    mean[column] += delta / n;
    m2[column] += delta * (x - mean[column]);
    if (x < min[column]) {
      min[column] = x;
    }
    if (x > max[column]) {
      max[column] = x;
    }
  }

  double variance(int column) {
    return count[column] == 0 ? 0 : m2[column] / count[column];
  }

  /**
   * The standard deviation to divide by: 1 for a constant column (scikit-learn's test for a
   * variance that is only rounding error) and for a column with no value yet.
   */
  double scale(int column) {
    long n = count[column];
    double variance = variance(column);
    double eps = Math.ulp(1.0);
    double bound = n * eps * variance + Math.pow(n * mean[column] * eps, 2);
    return n == 0 || variance <= bound ? 1.0 : Math.sqrt(variance);
  }

  void save(ObjectNode node) {
    node.set("count", Json.array(count));
    node.set("mean", Json.array(mean));
    node.set("m2", Json.array(m2));
    node.set("min", Json.array(min));
    node.set("max", Json.array(max));
  }

  void load(JsonNode node) {
    copy(Json.longs(node.get("count")), count);
    System.arraycopy(Json.doubles(node.get("mean")), 0, mean, 0, mean.length);
    System.arraycopy(Json.doubles(node.get("m2")), 0, m2, 0, m2.length);
    System.arraycopy(Json.doubles(node.get("min")), 0, min, 0, min.length);
    System.arraycopy(Json.doubles(node.get("max")), 0, max, 0, max.length);
  }

  private static void copy(long[] from, long[] to) {
    System.arraycopy(from, 0, to, 0, to.length);
  }
}
