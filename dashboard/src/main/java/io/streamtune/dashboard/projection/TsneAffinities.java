package io.streamtune.dashboard.projection;

import java.util.Arrays;

/**
 * The input-space affinities P of t-SNE as scikit-learn's Barnes-Hut path builds them: each point's
 * {@code 3·perplexity + 1} nearest neighbours (squared Euclidean distances), a per-point binary
 * search of the Gaussian precision that gives the wanted perplexity, then P = (P + Pᵀ) / sum, kept
 * sparse (compressed rows).
 */
final class TsneAffinities {

  private static final int SEARCH_STEPS = 100;
  private static final double ENTROPY_TOLERANCE = 1e-5;
  private static final double SMALLEST_SUM = 1e-8;

  /** Row {@code i} holds columns {@code columns[rowStart[i]..rowStart[i+1])} and their values. */
  record Sparse(int[] rowStart, int[] columns, double[] values) {
    int rows() {
      return rowStart.length - 1;
    }
  }

  private TsneAffinities() {}

  /**
   * Neighbours per point for a perplexity, as scikit-learn: min(n - 1, floor(3·perplexity + 1)).
   */
  static int neighbourCount(int n, double perplexity) {
    return (int) Math.min(n - 1, Math.floor(3 * perplexity + 1));
  }

  static Sparse compute(double[][] x, double perplexity) {
    int n = x.length;
    int k = neighbourCount(n, perplexity);
    int[][] neighbours = new int[n][];
    double[][] conditional = new double[n][];
    double[] distances = new double[n];
    double[] sorted = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        distances[j] =
            j == i ? Double.POSITIVE_INFINITY : ProjectionInput.squaredDistance(x[i], x[j]);
      }
      neighbours[i] = nearest(distances, sorted, k);
      double[] neighbourDistances = new double[k];
      for (int m = 0; m < k; m++) {
        neighbourDistances[m] = distances[neighbours[i][m]];
      }
      conditional[i] = conditionalProbabilities(neighbourDistances, perplexity);
    }
    return symmetrise(neighbours, conditional);
  }

  // The k smallest entries' indices; ties at the k-th distance go to the lower indices.
  private static int[] nearest(double[] distances, double[] scratch, int k) {
    System.arraycopy(distances, 0, scratch, 0, distances.length);
    Arrays.sort(scratch);
    double kth = scratch[k - 1];
    int[] out = new int[k];
    int found = 0;
    for (int j = 0; j < distances.length && found < k; j++) {
      if (distances[j] < kth) {
        out[found++] = j;
      }
    }
    for (int j = 0; j < distances.length && found < k; j++) {
      if (distances[j] == kth) {
        out[found++] = j;
      }
    }
    return out;
  }

  /**
   * P(j|i) over the neighbours for the precision β whose entropy is ln(perplexity), by bisection
   * exactly as scikit-learn's {@code _binary_search_perplexity} (β starts at 1, doubles or halves
   * until bracketed, 100 steps at most, tolerance 1e-5 nats).
   */
  static double[] conditionalProbabilities(double[] squaredDistances, double perplexity) {
    int k = squaredDistances.length;
    double[] p = new double[k];
    double desiredEntropy = Math.log(perplexity);
    double beta = 1;
    double betaMin = Double.NEGATIVE_INFINITY;
    double betaMax = Double.POSITIVE_INFINITY;
    for (int step = 0; step < SEARCH_STEPS; step++) {
      double sum = 0;
      for (int m = 0; m < k; m++) {
        p[m] = Math.exp(-squaredDistances[m] * beta);
        sum += p[m];
      }
      if (sum == 0) {
        sum = SMALLEST_SUM;
      }
      double weightedDistance = 0;
      for (int m = 0; m < k; m++) {
        p[m] /= sum;
        weightedDistance += squaredDistances[m] * p[m];
      }
      double entropyDiff = Math.log(sum) + beta * weightedDistance - desiredEntropy;
      if (Math.abs(entropyDiff) <= ENTROPY_TOLERANCE) {
        break;
      }
      if (entropyDiff > 0) {
        betaMin = beta;
        beta = betaMax == Double.POSITIVE_INFINITY ? beta * 2 : (beta + betaMax) / 2;
      } else {
        betaMax = beta;
        beta = betaMin == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + betaMin) / 2;
      }
    }
    return p;
  }

  private static Sparse symmetrise(int[][] neighbours, double[][] conditional) {
    int n = neighbours.length;
    // who lists i among its neighbours, so row i can add P(i|j) to P(j|i)
    int[] reverseCount = new int[n + 1];
    for (int[] row : neighbours) {
      for (int j : row) {
        reverseCount[j + 1]++;
      }
    }
    for (int i = 0; i < n; i++) {
      reverseCount[i + 1] += reverseCount[i];
    }
    int[] reverseFrom = new int[reverseCount[n]];
    double[] reverseValue = new double[reverseCount[n]];
    int[] fill = Arrays.copyOf(reverseCount, n);
    for (int i = 0; i < n; i++) {
      for (int m = 0; m < neighbours[i].length; m++) {
        int slot = fill[neighbours[i][m]]++;
        reverseFrom[slot] = i;
        reverseValue[slot] = conditional[i][m];
      }
    }
    double[] accumulator = new double[n];
    boolean[] touched = new boolean[n];
    int[] rowStart = new int[n + 1];
    int[] columns = new int[2 * reverseCount[n]];
    double[] values = new double[2 * reverseCount[n]];
    int size = 0;
    double total = 0;
    int[] rowColumns = new int[n];
    for (int i = 0; i < n; i++) {
      int count = 0;
      for (int m = 0; m < neighbours[i].length; m++) {
        int j = neighbours[i][m];
        if (!touched[j]) {
          touched[j] = true;
          rowColumns[count++] = j;
        }
        accumulator[j] += conditional[i][m];
      }
      for (int slot = reverseCount[i]; slot < reverseCount[i + 1]; slot++) {
        int j = reverseFrom[slot];
        if (!touched[j]) {
          touched[j] = true;
          rowColumns[count++] = j;
        }
        accumulator[j] += reverseValue[slot];
      }
      Arrays.sort(rowColumns, 0, count);
      for (int c = 0; c < count; c++) {
        int j = rowColumns[c];
        columns[size] = j;
        values[size++] = accumulator[j];
        total += accumulator[j];
        accumulator[j] = 0;
        touched[j] = false;
      }
      rowStart[i + 1] = size;
    }
    double scale = 1 / Math.max(total, Math.ulp(1.0));
    for (int e = 0; e < size; e++) {
      values[e] *= scale;
    }
    return new Sparse(rowStart, Arrays.copyOf(columns, size), Arrays.copyOf(values, size));
  }
}
