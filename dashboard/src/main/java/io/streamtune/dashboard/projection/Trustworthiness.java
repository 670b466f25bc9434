package io.streamtune.dashboard.projection;

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
    double[] inputDistances = new double[n];
    double[] mapDistances = new double[n];
    int[] mapNeighbours = new int[neighbours];
    for (int i = 0; i < n; i++) {
      distancesFrom(input, i, inputDistances);
      distancesFrom(embedding, i, mapDistances);
      nearest(mapDistances, mapNeighbours);
      for (int j : mapNeighbours) {
        int excess = rank(inputDistances, j) - neighbours;
        if (excess > 0) {
          penalty += excess;
        }
      }
    }
    return 1 - penalty * (2.0 / (n * (double) neighbours * (2.0 * n - 3.0 * neighbours - 1.0)));
  }

  // Squared distances from point i; i itself at infinity, so it is nobody's neighbour.
  private static void distancesFrom(double[][] points, int i, double[] distances) {
    for (int j = 0; j < points.length; j++) {
      distances[j] =
          j == i ? Double.POSITIVE_INFINITY : ProjectionInput.squaredDistance(points[i], points[j]);
    }
  }

  // j's rank by distance (1 = nearest), ties to the lower index: no full sort needed for k points.
  private static int rank(double[] distances, int j) {
    int closer = 0;
    for (int m = 0; m < distances.length; m++) {
      if (distances[m] < distances[j] || distances[m] == distances[j] && m < j) {
        closer++;
      }
    }
    return closer + 1;
  }

  // The indices of the out.length smallest distances, nearest first, ties to the lower index.
  private static void nearest(double[] distances, int[] out) {
    int found = 0;
    for (int m = 0; m < distances.length; m++) {
      if (found < out.length || distances[m] < distances[out[found - 1]]) {
        int slot = Math.min(found, out.length - 1);
        while (slot > 0 && distances[out[slot - 1]] > distances[m]) {
          out[slot] = out[slot - 1];
          slot--;
        }
        out[slot] = m;
        found = Math.min(found + 1, out.length);
      }
    }
  }
}
