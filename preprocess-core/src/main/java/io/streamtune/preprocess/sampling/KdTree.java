package io.streamtune.preprocess.sampling;

import java.util.function.LongPredicate;

/**
 * A static k-d tree for exact k-nearest-neighbour queries in Euclidean distance. Cells split at the
 * median of their widest dimension; every node keeps the bounding box of its points, and a query
 * visits the nearer child first and the other only if its box can still hold a closer point (tight
 * data boxes prune far better than split planes on skewed, standardized features). Points are
 * copied in tree order, so a leaf scan reads memory sequentially. Each point carries a key; equally
 * distant points are ordered by key.
 *
 * <p>A k-d tree prunes well only when there are many more points than 2^d: below {@link
 * #bruteForceBelow(int)} points the tree is a single leaf, i.e. an exact scan of every point (on
 * lending_club's 17 standardized columns the tree only overtakes the scan at about 5,000 points;
 * scikit-learn's 'auto' likewise scans above 15 dimensions).
 */
public final class KdTree {

  private static final int LEAF_SIZE = 32;
  private static final int POINTS_PER_CELL_FOR_PRUNING = 16;

  private final int dims;
  private final int size;
  private final double[] coordinates;
  private final long[] keys;
  private final int[] nodeStart;
  private final int[] nodeEnd;
  private final int[] nodeLeft;
  private final int[] nodeRight;
  private final double[] nodeLow;
  private final double[] nodeHigh;
  private final int leafSize;
  private int nodeCount;

  private KdTree(double[][] points, long[] pointKeys, int dims) {
    this.dims = dims;
    this.size = points.length;
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
      if (points[i].length != dims) {
        throw new IllegalArgumentException(
            "point " + i + " has " + points[i].length + " dimensions, expected " + dims);
      }
    }
    leafSize = size < bruteForceBelow(dims) ? Integer.MAX_VALUE : LEAF_SIZE;
    // leaves hold more than LEAF_SIZE / 2 points, so there are fewer than 4n / LEAF_SIZE nodes
    int maxNodes = Math.max(1, 4 * (size / LEAF_SIZE + 1));
    nodeStart = new int[maxNodes];
    nodeEnd = new int[maxNodes];
    nodeLeft = new int[maxNodes];
    nodeRight = new int[maxNodes];
    nodeLow = new double[maxNodes * dims];
    nodeHigh = new double[maxNodes * dims];
    if (size > 0) {
      build(points, order, 0, size);
    }
    coordinates = new double[size * dims];
    keys = new long[size];
    for (int i = 0; i < size; i++) {
      System.arraycopy(points[order[i]], 0, coordinates, i * dims, dims);
      keys[i] = pointKeys[order[i]];
    }
  }

  /**
   * @param points one vector per point, all {@code dims} long (copied when the tree is built)
   * @param keys one key per point: what queries return, and the tie-break between equal distances
   */
  public static KdTree build(double[][] points, long[] keys, int dims) {
    if (points.length != keys.length) {
      throw new IllegalArgumentException("points and keys differ in length");
    }
    return new KdTree(points, keys, dims);
  }

  /** A tree whose keys are the points' positions in {@code points}. */
  public static KdTree build(double[][] points, int dims) {
    long[] keys = new long[points.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    return new KdTree(points, keys, dims);
  }

  /** Fewer points than this in d dimensions are scanned rather than split: 16·2^(d/2). */
  public static int bruteForceBelow(int dims) {
    return POINTS_PER_CELL_FOR_PRUNING << Math.min(26, (dims + 1) / 2);
  }

  public int size() {
    return size;
  }

  /** Whether queries descend a tree (false: they scan every point). */
  public boolean isSplit() {
    return nodeCount > 1;
  }

  public int dims() {
    return dims;
  }

  /** Keys of the k nearest points, nearest first, skipping keys {@code skip} accepts. */
  public long[] nearest(double[] query, int k, LongPredicate skip) {
    NearestCollector nearest = new NearestCollector(k);
    collect(query, skip, nearest);
    return nearest.keys();
  }

  void collect(double[] query, LongPredicate skip, NearestCollector nearest) {
    if (query.length != dims) {
      throw new IllegalArgumentException(
          "query has " + query.length + " dimensions, expected " + dims);
    }
    if (size > 0) {
      search(0, query, skip, nearest);
    }
  }

  private int build(double[][] points, int[] order, int start, int end) {
    int node = nodeCount++;
    nodeStart[node] = start;
    nodeEnd[node] = end;
    nodeLeft[node] = -1;
    nodeRight[node] = -1;
    double widestSpread = 0;
    int box = node * dims;
    for (int d = 0; d < dims; d++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = start; i < end; i++) {
        double v = points[order[i]][d];
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      nodeLow[box + d] = min;
      nodeHigh[box + d] = max;
      widestSpread = Math.max(widestSpread, max - min);
    }
    if (end - start <= leafSize || widestSpread <= 0) {
      return node; // small enough, or all points equal
    }
    int widest = splitDimension(points, order, start, end, box);
    int middle = (start + end) >>> 1;
    select(points, order, start, end - 1, middle, widest);
    nodeLeft[node] = build(points, order, start, middle);
    nodeRight[node] = build(points, order, middle, end);
    return node;
  }

  /**
   * The dimension whose middle half of the values is widest: on skewed features (counts that are
   * mostly 0, with far outliers) the full range picks a dimension the median cannot split, which
   * leaves both children overlapping; the interquartile range does not. Falls back to the full
   * range when every middle half is flat.
   */
  private int splitDimension(double[][] points, int[] order, int start, int end, int box) {
    int n = end - start;
    double[] values = new double[n];
    int best = -1;
    double bestSpread = 0;
    for (int d = 0; d < dims; d++) {
      if (nodeHigh[box + d] - nodeLow[box + d] <= bestSpread) {
        continue; // cannot beat the best: its interquartile range is at most its range
      }
      for (int i = 0; i < n; i++) {
        values[i] = points[order[start + i]][d];
      }
      double lower = selectValue(values, n / 4);
      double upper = selectValue(values, (3 * n) / 4);
      if (upper - lower > bestSpread) {
        bestSpread = upper - lower;
        best = d;
      }
    }
    if (best >= 0) {
      return best;
    }
    int widest = 0;
    for (int d = 1; d < dims; d++) {
      if (nodeHigh[box + d] - nodeLow[box + d] > nodeHigh[box + widest] - nodeLow[box + widest]) {
        widest = d;
      }
    }
    return widest;
  }

  /** The k-th smallest of values (which it reorders). */
  private static double selectValue(double[] values, int k) {
    int lo = 0;
    int hi = values.length - 1;
    while (hi > lo) {
      double pivot = values[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (values[i] < pivot) {
          i++;
        }
        while (values[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double swap = values[i];
          values[i] = values[j];
          values[j] = swap;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        break;
      }
    }
    return values[k];
  }

  /**
   * Quickselect: afterwards order[k] holds the k-th smallest along {@code dim}, smaller before,
   * larger after (also how {@link ProjectedLeaves} splits its leaves).
   */
  static void select(double[][] points, int[] order, int lo, int hi, int k, int dim) {
    while (hi > lo) {
      double pivot = points[order[(lo + hi) >>> 1]][dim];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (points[order[i]][dim] < pivot) {
          i++;
        }
        while (points[order[j]][dim] > pivot) {
          j--;
        }
        if (i <= j) {
          int swap = order[i];
          order[i] = order[j];
          order[j] = swap;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private void search(int node, double[] query, LongPredicate skip, NearestCollector nearest) {
    int left = nodeLeft[node];
    if (left < 0) {
      scanLeaf(node, query, skip, nearest);
      return;
    }
    int right = nodeRight[node];
    double leftDistance = boxDistance(left, query, nearest.bound());
    double rightDistance = boxDistance(right, query, nearest.bound());
    boolean leftFirst = leftDistance <= rightDistance;
    if (Math.min(leftDistance, rightDistance) <= nearest.bound()) {
      search(leftFirst ? left : right, query, skip, nearest);
    }
    if (Math.max(leftDistance, rightDistance) <= nearest.bound()) {
      search(leftFirst ? right : left, query, skip, nearest);
    }
  }

  /** Squared distance from the query to a node's bounding box; stops adding once above cap. */
  private double boxDistance(int node, double[] query, double cap) {
    int box = node * dims;
    double sum = 0;
    for (int d = 0; d < dims && sum <= cap; d++) {
      double q = query[d];
      double low = nodeLow[box + d];
      double high = nodeHigh[box + d];
      double outside = q < low ? low - q : (q > high ? q - high : 0);
      sum += outside * outside;
    }
    return sum;
  }

  private void scanLeaf(int node, double[] query, LongPredicate skip, NearestCollector nearest) {
    double bound = nearest.bound();
    int end = nodeEnd[node];
    for (int i = nodeStart[node]; i < end; i++) {
      int base = i * dims;
      double sum = 0;
      for (int d = 0; d < dims; d++) {
        double diff = coordinates[base + d] - query[d];
        sum += diff * diff;
      }
      if (sum <= bound && (skip == null || !skip.test(keys[i]))) {
        nearest.offer(sum, keys[i]);
        bound = nearest.bound();
      }
    }
  }
}
