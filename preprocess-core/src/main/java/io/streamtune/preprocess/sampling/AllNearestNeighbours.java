package io.streamtune.preprocess.sampling;

import java.util.function.IntPredicate;

/**
 * Exact k nearest other points of every point of a finite batch (what Tomek links, edited nearest
 * neighbours and SMOTE ask for), by the cheaper of two exact methods:
 *
 * <ul>
 *   <li>a <b>blocked scan</b> of all squared distances when a k-d tree cannot prune: in many
 *       dimensions a tree visits most leaves anyway (2^d cells outnumber the points), and then a
 *       scan that the JIT turns into SIMD code wins. Points are stored column by column, and the
 *       inner loop runs over a block of candidates for one dimension at a time ({@code acc[j] +=
 *       (x[d][j] − q[d])²}), a plain counted loop that C2 auto-vectorises. Blocks that cannot hold
 *       a neighbour are skipped on their principal-component boxes ({@link ProjectedLeaves}).
 *   <li>the {@link KdTree} when there are enough points per cell for it to prune, in few
 *       dimensions.
 * </ul>
 *
 * <p>Both give the same answer bit for bit: each squared distance is summed over the dimensions in
 * index order, the way {@link KdTree} does, and neighbours are ordered by (squared distance,
 * position), so ties between equally distant points are broken by the lower position (the earlier
 * row), as scikit-learn's neighbour search does on this data.
 *
 * <p>The choice ({@link #scans(int, int)}): the scan when {@code dims > 15} (scikit-learn's 'auto'
 * makes the same cut to brute force) or when the tree would be a single leaf anyway ({@link
 * KdTree#bruteForceBelow(int)}), up to {@link #MAX_SCAN_POINTS} points, beyond which the scan's n²
 * cost loses to the tree whatever the dimension; otherwise the tree.
 *
 * <p>Queries are split over {@link NeighbourThreads} (by default the available processors, at most
 * 8; the system property {@code streamtune.neighbour.threads} sets the count), each answer written
 * to its own slot, so the result does not depend on the threads.
 */
public final class AllNearestNeighbours {

  /** Above this many dimensions a k-d tree barely prunes: scan (scikit-learn cuts at 15 too). */
  static final int SCAN_ABOVE_DIMS = 15;

  /** Beyond this many points the scan's n² distances are not worth it whatever the dimension. */
  static final int MAX_SCAN_POINTS = 200_000;

  private AllNearestNeighbours() {}

  /** Whether {@link #of} scans all distances (true) or searches a k-d tree (false). */
  public static boolean scans(int points, int dims) {
    if (points > MAX_SCAN_POINTS) {
      return false;
    }
    return dims > SCAN_ABOVE_DIMS || points < KdTree.bruteForceBelow(dims);
  }

  /**
   * @param points one vector per point, all of one width
   * @param k how many neighbours per point (fewer when there are fewer other points)
   * @param isQuery which points need their neighbours; the others get {@code null}
   * @return per point, the positions of its k nearest other points, nearest first, ties by position
   */
  public static long[][] of(double[][] points, int k, IntPredicate isQuery) {
    return of(points, k, isQuery, NeighbourThreads.configured());
  }

  /**
   * {@link #of(double[][], int, IntPredicate)} on the given threads (the answer does not depend on
   * them).
   */
  public static long[][] of(
      double[][] points, int k, IntPredicate isQuery, NeighbourThreads threads) {
    long[][] neighbours = new long[points.length][];
    return points.length == 0
        ? neighbours
        : new Index(points, threads).nearest(k, isQuery, neighbours);
  }

  /**
   * The search built once over a batch and asked several times (the cleaning rules ask in phases,
   * each phase only the points that can still matter).
   */
  static final class Index {
    private final double[][] points;
    private final NeighbourThreads workers;
    private final KdTree tree;
    private final ProjectedLeaves leaves;

    /**
     * @param points at least one, all of one width
     */
    Index(double[][] points, NeighbourThreads threads) {
      this.points = points;
      this.workers = threads.forPoints(points.length);
      int dims = points[0].length;
      boolean scan = scans(points.length, dims);
      this.tree = scan ? null : KdTree.build(points, dims);
      this.leaves = scan ? new ProjectedLeaves(points) : null;
    }

    /**
     * Fills into[i] for every queried i with its k nearest other points (as {@link
     * AllNearestNeighbours#of}); the other slots are left as they are.
     */
    long[][] nearest(int k, IntPredicate isQuery, long[][] into) {
      if (leaves != null) {
        return leaves.nearest(k, isQuery, into, workers);
      }
      workers.run(
          points.length,
          () ->
              (first, end) -> {
                for (int i = first; i < end; i++) {
                  int self = i;
                  if (isQuery.test(i)) {
                    into[i] = tree.nearest(points[i], k, other -> other == self);
                  }
                }
              });
      return into;
    }

    /** Whether {@link #hasCloser} can answer (the scan can stop early; the tree is not asked). */
    boolean stopsEarly() {
      return leaves != null;
    }

    /**
     * Per queried point i, whether at least k other points lie at a squared distance strictly below
     * squaredBound[i] (distances summed as {@link #squaredDistances} does). A false may also mean
     * "not asked": only a true is a finding.
     */
    boolean[] hasCloser(int k, IntPredicate isQuery, double[] squaredBound) {
      boolean[] found = new boolean[points.length];
      if (leaves != null) {
        leaves.hasCloser(k, isQuery, squaredBound, found, workers);
      }
      return found;
    }

    NeighbourThreads workers() {
      return workers;
    }
  }

  /**
   * distances[start + j] = Σ_d (columns[d][start + j] − query[d])² for j below length, summed in
   * dimension order. One loop per dimension over contiguous arrays, and the same offset into both
   * arrays: the shape C2 vectorises (with different offsets JDK 17's C2 leaves the loop scalar, 3×
   * slower).
   */
  static void squaredDistances(
      double[][] columns, double[] query, int start, int length, double[] distances) {
    int end = start + length;
    double[] column = columns[0];
    double q = query[0];
    for (int j = start; j < end; j++) {
      double diff = column[j] - q;
      distances[j] = diff * diff;
    }
    for (int d = 1; d < columns.length; d++) {
      column = columns[d];
      q = query[d];
      for (int j = start; j < end; j++) {
        double diff = column[j] - q;
        distances[j] += diff * diff;
      }
    }
  }
}
