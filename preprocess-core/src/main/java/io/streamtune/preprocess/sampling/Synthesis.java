package io.streamtune.preprocess.sampling;

/**
 * How synthetic examples are made and named, the same in batch and on a stream. SMOTE puts a new
 * point on the segment from a minority example to one of its k nearest same-class neighbours:
 * {@code parent + u·(neighbour − parent)}, u uniform in [0, 1) (imbalanced-learn's rule); random
 * over-sampling repeats an example.
 */
public final class Synthesis {

  private Synthesis() {}

  public static double[] interpolate(double[] parent, double[] neighbour, double step) {
    double[] point = new double[parent.length];
    for (int d = 0; d < parent.length; d++) {
      point[d] = parent[d] + step * (neighbour[d] - parent[d]);
    }
    return point;
  }

  /** Id of the n-th synthetic example of a run: {@code <parentId>#smote-<n>}. */
  public static String smoteId(String parentId, long n) {
    return parentId + "#smote-" + n;
  }

  /** Id of the n-th random copy of a run: {@code <parentId>#over-<n>}. */
  public static String copyId(String parentId, long n) {
    return parentId + "#over-" + n;
  }
}
