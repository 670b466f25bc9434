package io.streamtune.dashboard.projection;

import java.util.Arrays;

/**
 * How well a map keeps neighbourhoods, as scikit-learn's {@code sklearn.manifold.trustworthiness}
 * (Venna and Kaski): 1 − 2 / (n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k), where Uₖ(i) are
 * the k nearest neighbours of i in the map that are not among its k nearest in the input and r(i,
 * j) is j's rank by input distance from i. 1 means no point in the map has a neighbour that was not
 * one in the input.
 */
public final class Trustworthiness {

  /** scikit-learn's default. */
  public static final int DEFAULT_NEIGHBOURS = 5;

  private Trustworthiness() {}

  public static double of(double[][] input, double[][] embedding) {
    return of(input, embedding, DEFAULT_NEIGHBOURS);
  }

  /**
   * @throws IllegalArgumentException unless both matrices are finite with the same number of points
   *     and {@code 1 ≤ neighbours < n / 2} (scikit-learn's bound)
   */
  public static double of(double[][] input, double[][] embedding, int neighbours) {
    ProjectionInput.requireFiniteMatrix(input, 2, "trustworthiness input");
    ProjectionInput.requireFiniteMatrix(embedding, 2, "trustworthiness embedding");
    int n = input.length;
    if (embedding.length != n) {
      throw new IllegalArgumentException(
          "trustworthiness: the input has " + n + " points, the embedding " + embedding.length);
    }
    if (neighbours < 1 || neighbours >= n / 2.0) {
      throw new IllegalArgumentException(
          "trustworthiness: neighbours must be ≥ 1 and < n / 2 = "
              + n / 2.0
              + ", got "
              + neighbours);
    }
    long penalty = 0;
    double[] distances = new double[n];
    int[] inputRank = new int[n];
    for (int i = 0; i < n; i++) {
      Integer[] byInput = byDistance(input, i, distances);
      // rank 1 is the nearest other point; i itself comes last (infinite distance) and is never
      // used
      for (int r = 0; r < n; r++) {
        inputRank[byInput[r]] = r + 1;
      }
      Integer[] byMap = byDistance(embedding, i, distances);
      for (int m = 0; m < neighbours; m++) {
        int excess = inputRank[byMap[m]] - neighbours;
        if (excess > 0) {
          penalty += excess;
        }
      }
    }
    return 1 - penalty * (2.0 / (n * (double) neighbours * (2.0 * n - 3.0 * neighbours - 1.0)));
  }

  // Indices of all points sorted by distance from point i, i itself last; ties by index.
  private static Integer[] byDistance(double[][] points, int i, double[] distances) {
    int n = points.length;
    for (int j = 0; j < n; j++) {
      distances[j] =
          j == i ? Double.POSITIVE_INFINITY : ProjectionInput.squaredDistance(points[i], points[j]);
    }
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      order[j] = j;
    }
    Arrays.sort(order, (a, b) -> Double.compare(distances[a], distances[b]));
    return order;
  }
}
