package io.streamtune.dashboard.projection;

import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard draws for a holdout: one point per example at (x, y), coloured by its actual
 * label, marked when the model predicted another. {@link #build} makes one from features and
 * labels, subsampling (stratified by actual label, seeded) to at most {@code maxPoints} first so a
 * large holdout still maps in seconds.
 *
 * @param method how the points were placed
 * @param points the drawn points
 * @param explainedVarianceRatio for PCA the share of variance of each axis; for t-SNE empty
 * @param trustworthiness how well the map keeps the 5 nearest neighbours (1 = all kept); NaN when
 *     there are too few points to say (fewer than 11)
 * @param sourceCount the examples before subsampling
 */
public record ProjectionMap(
    Method method,
    List<Point> points,
    double[] explainedVarianceRatio,
    double trustworthiness,
    int sourceCount) {

  /** How the map places the points. */
  public enum Method {
    PCA,
    TSNE
  }

  /**
   * One drawn example.
   *
   * @param index the example's position in the features given to {@link #build}
   */
  public record Point(
      int index, double x, double y, String label, String predicted, boolean misclassified) {}

  public ProjectionMap {
    points = List.copyOf(points);
    explainedVarianceRatio = explainedVarianceRatio.clone();
  }

  /** The points whose prediction differs from their label. */
  public long misclassifiedCount() {
    return points.stream().filter(Point::misclassified).count();
  }

  /**
   * Places {@code features} (one row per example: tabular features or a text/image embedding) on a
   * 2-D map.
   *
   * @param actual the label of each example (never null)
   * @param predicted the model's label for each example (never null)
   * @param maxPoints at most this many points are placed (≥ {@value Tsne#MIN_POINTS}); above it a
   *     stratified sample by actual label, seeded by {@code tsne.seed()}
   * @param tsne the t-SNE settings (its seed also drives the subsample; ignored otherwise by PCA)
   * @param progress progress and cancellation of a t-SNE run
   * @throws IllegalArgumentException when the counts differ, a label is null, a value is not finite
   *     or maxPoints is too small, naming what is wrong
   */
  public static ProjectionMap build(
      double[][] features,
      List<String> actual,
      List<String> predicted,
      Method method,
      int maxPoints,
      TsneOptions tsne,
      TsneProgress progress) {
    if (method == null) {
      throw new IllegalArgumentException("projection method must be one of PCA, TSNE, got null");
    }
    if (maxPoints < Tsne.MIN_POINTS) {
      throw new IllegalArgumentException(
          "projection maxPoints must be ≥ " + Tsne.MIN_POINTS + ", got " + maxPoints);
    }
    ProjectionInput.requireFiniteMatrix(features, 2, "projection map");
    int n = features.length;
    requireLabels(actual, n, "actual");
    requireLabels(predicted, n, "predicted");
    int[] chosen = StratifiedSample.indices(actual, maxPoints, tsne.seed());
    double[][] sample = new double[chosen.length][];
    for (int s = 0; s < chosen.length; s++) {
      sample[s] = features[chosen[s]];
    }
    double[][] xy;
    double[] explained;
    if (method == Method.PCA) {
      Pca.Result pca = Pca.fit(sample);
      xy = pca.projection();
      explained = pca.explainedVarianceRatio();
    } else {
      xy = Tsne.embed(sample, tsne, progress).embedding();
      explained = new double[0];
    }
    List<Point> points = new ArrayList<>(chosen.length);
    for (int s = 0; s < chosen.length; s++) {
      int i = chosen[s];
      String label = actual.get(i);
      String guess = predicted.get(i);
      points.add(new Point(i, xy[s][0], xy[s][1], label, guess, !label.equals(guess)));
    }
    double trust =
        Trustworthiness.DEFAULT_NEIGHBOURS < sample.length / 2.0
            ? Trustworthiness.of(sample, xy)
            : Double.NaN;
    return new ProjectionMap(method, points, explained, trust, n);
  }

  private static void requireLabels(List<String> labels, int n, String what) {
    if (labels == null || labels.size() != n) {
      throw new IllegalArgumentException(
          "projection map: "
              + n
              + " feature rows but "
              + (labels == null ? "no" : String.valueOf(labels.size()))
              + " "
              + what
              + " labels");
    }
    // not indexOf(null): immutable lists (List.of, List.copyOf) throw on a null argument
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i) == null) {
        throw new IllegalArgumentException(
            "projection map: the " + what + " label of example " + i + " is null");
      }
    }
  }
}
