package io.streamtune.dashboard.projection;

/** Checks of the feature matrices every projection accepts, with errors that say what is wrong. */
final class ProjectionInput {

  private ProjectionInput() {}

  /**
   * Requires {@code x} to be a non-empty rectangular matrix of finite values with at least {@code
   * minRows} rows; returns its column count.
   */
  static int requireFiniteMatrix(double[][] x, int minRows, String what) {
    if (x == null) {
      throw new IllegalArgumentException(what + ": the feature matrix is null");
    }
    if (x.length < minRows) {
      throw new IllegalArgumentException(
          what + ": needs at least " + minRows + " points, got " + x.length);
    }
    if (x.length == 0) {
      return 0;
    }
    if (x[0] == null || x[0].length == 0) {
      throw new IllegalArgumentException(what + ": point 0 has no features");
    }
    int columns = x[0].length;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == null || x[i].length != columns) {
        throw new IllegalArgumentException(
            what
                + ": point "
                + i
                + " has "
                + (x[i] == null ? "no" : String.valueOf(x[i].length))
                + " features, point 0 has "
                + columns);
      }
      for (int j = 0; j < columns; j++) {
        if (!Double.isFinite(x[i][j])) {
          throw new IllegalArgumentException(
              what + ": feature " + j + " of point " + i + " is " + x[i][j] + " (not finite)");
        }
      }
    }
    return columns;
  }

  static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      double diff = a[j] - b[j];
      sum += diff * diff;
    }
    return sum;
  }
}
