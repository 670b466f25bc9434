package io.streamtune.preprocess.sampling;

/**
 * The neighbour queries the batch cleaning needs, and no more; the verdicts are those of asking
 * every point ({@link CleaningRules} over {@link AllNearestNeighbours#of}), row for row and
 * neighbour for neighbour.
 *
 * <ul>
 *   <li><b>Tomek links</b> join two points of different classes, so at least one member is not in
 *       the largest class L. Phase 1 asks the nearest neighbour of every point outside L; phase 2
 *       asks the points of L that are some phase-1 point's nearest neighbour (for the mutual
 *       check). A point of L not asked cannot be in a link: its partner would be a point outside L
 *       whose nearest neighbour it is, and such points are asked in phase 2.
 *   <li><b>Edited nearest neighbours</b> (a point stays iff all its k nearest share its class): for
 *       a point i whose other classes are few, r_i² is the squared distance to the nearest point of
 *       another class (a scan over those classes only). When k other points lie strictly closer
 *       than that, its k nearest are all of its class and it stays ({@link #ALL_OWN_CLASS}); a
 *       search bounded by r_i² that stops at the k-th such point finds them fast. Every other point
 *       gets the ordinary exact query (a removal names its neighbours, and ties at r_i need the
 *       exact tie order).
 * </ul>
 */
final class CleaningQueries {

  /** An edited-nearest-neighbours answer: all k nearest share the point's class, it stays. */
  static final long[] ALL_OWN_CLASS = new long[0];

  /**
   * The r_i pre-check is made for a class only when the points of the other classes are at most
   * this share of the batch: beyond it, scanning them costs more than the exact query saves.
   */
  static final double MAX_OTHER_SHARE = 0.125;

  private CleaningQueries() {}

  /**
   * @return per point, its nearest other point, or {@code null} for a point of the largest class
   *     that cannot be in a Tomek link
   */
  static long[][] tomek(AllNearestNeighbours.Index index, int[] classOf, int classes) {
    int n = classOf.length;
    int largest = largest(classOf, classes);
    long[][] nearest = index.nearest(1, i -> classOf[i] != largest, new long[n][]);
    boolean[] partnerOfAsked = new boolean[n];
    for (long[] answer : nearest) {
      if (answer != null && answer.length > 0 && classOf[(int) answer[0]] == largest) {
        partnerOfAsked[(int) answer[0]] = true;
      }
    }
    return index.nearest(1, i -> partnerOfAsked[i], nearest);
  }

  /**
   * @return per point of a cleaned class, its k nearest other points, or {@link #ALL_OWN_CLASS}
   *     when they are known to share its class; {@code null} for the other points
   */
  static long[][] editedNearestNeighbours(
      double[][] points,
      int[] classOf,
      boolean[] cleanable,
      int k,
      AllNearestNeighbours.Index index) {
    int n = points.length;
    long[][] neighbours = new long[n][];
    double[] squaredRadius =
        index.stopsEarly() ? otherClassRadii(points, classOf, cleanable, index) : null;
    if (squaredRadius != null) {
      boolean[] stays = index.hasCloser(k, i -> squaredRadius[i] > 0, squaredRadius);
      for (int i = 0; i < n; i++) {
        if (stays[i]) {
          neighbours[i] = ALL_OWN_CLASS;
        }
      }
    }
    return index.nearest(k, i -> cleanable[classOf[i]] && neighbours[i] == null, neighbours);
  }

  /**
   * Squared distance from each cleaned point to the nearest point of another class, for the classes
   * whose others are few; 0 (no pre-check) for the rest. {@code null} when no class qualifies.
   */
  private static double[] otherClassRadii(
      double[][] points, int[] classOf, boolean[] cleanable, AllNearestNeighbours.Index index) {
    int n = points.length;
    int dims = points[0].length;
    int classes = cleanable.length;
    int[] counts = counts(classOf, classes);
    double[][][] othersColumns = new double[classes][][];
    int widest = 0;
    for (int c = 0; c < classes; c++) {
      int others = n - counts[c];
      if (!cleanable[c] || counts[c] == 0 || others == 0 || others > MAX_OTHER_SHARE * n) {
        continue;
      }
      double[][] columns = new double[dims][others];
      int at = 0;
      for (int i = 0; i < n; i++) {
        if (classOf[i] != c) {
          for (int d = 0; d < dims; d++) {
            columns[d][at] = points[i][d];
          }
          at++;
        }
      }
      othersColumns[c] = columns;
      widest = Math.max(widest, others);
    }
    if (widest == 0) {
      return null;
    }
    double[] squaredRadius = new double[n];
    int scratchLength = widest;
    index
        .workers()
        .run(
            n,
            () -> {
              double[] distances = new double[scratchLength];
              return (first, end) -> {
                for (int i = first; i < end; i++) {
                  double[][] columns = othersColumns[classOf[i]];
                  if (columns == null) {
                    continue;
                  }
                  int others = columns[0].length;
                  AllNearestNeighbours.squaredDistances(columns, points[i], 0, others, distances);
                  double nearest = Double.POSITIVE_INFINITY;
                  for (int j = 0; j < others; j++) {
                    nearest = Math.min(nearest, distances[j]);
                  }
                  squaredRadius[i] = nearest;
                }
              };
            });
    return squaredRadius;
  }

  /** The largest class; the first of equally large ones (any one would do). */
  private static int largest(int[] classOf, int classes) {
    int[] counts = counts(classOf, classes);
    int largest = 0;
    for (int c = 1; c < classes; c++) {
      if (counts[c] > counts[largest]) {
        largest = c;
      }
    }
    return largest;
  }

  private static int[] counts(int[] classOf, int classes) {
    int[] counts = new int[classes];
    for (int c : classOf) {
      counts[c]++;
    }
    return counts;
  }
}
