package io.streamtune.preprocess.sampling;

import java.util.function.LongPredicate;

/**
 * A static k-d tree for exact k-nearest-neighbour queries in Euclidean distance. Cells split at the
 * median of their widest dimension; a query descends to the nearer child first and visits the other
 * only if the cell can still hold a closer point, with the exact query-to-cell distance kept up
 * incrementally (Arya and Mount). Points are copied in tree order, so a leaf scan reads memory
 * sequentially. Each point carries a key; equally distant points are ordered by key.
 */
public final class KdTree {

  private static final int LEAF_SIZE = 16;

  private final int dims;
  private final int size;
  private final double[] coordinates;
  private final long[] keys;
  private int[] nodeStart;
  private int[] nodeEnd;
  private int[] nodeDim;
  private double[] nodeSplit;
  private int[] nodeLeft;
  private int[] nodeRight;
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
    int maxNodes = Math.max(1, 4 * (size / LEAF_SIZE + 1));
    nodeStart = new int[maxNodes];
    nodeEnd = new int[maxNodes];
    nodeDim = new int[maxNodes];
    nodeSplit = new double[maxNodes];
    nodeLeft = new int[maxNodes];
    nodeRight = new int[maxNodes];
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
   * @param points one vector per point, all of the same length (not copied until the tree is built;
   *     later changes to them are not seen)
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

  public int size() {
    return size;
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
      search(0, 0.0, new double[dims], query, skip, nearest);
    }
  }

  private int build(double[][] points, int[] order, int start, int end) {
    int node = nodeCount++;
    nodeStart[node] = start;
    nodeEnd[node] = end;
    nodeLeft[node] = -1;
    nodeRight[node] = -1;
    if (end - start <= LEAF_SIZE) {
      return node;
    }
    int widest = 0;
    double widestSpread = -1;
    for (int d = 0; d < dims; d++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = start; i < end; i++) {
        double v = points[order[i]][d];
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (max - min > widestSpread) {
        widestSpread = max - min;
        widest = d;
      }
    }
    if (widestSpread <= 0) {
      return node; // all points equal: a leaf, however many
    }
    int middle = (start + end) >>> 1;
    select(points, order, start, end - 1, middle, widest);
    nodeDim[node] = widest;
    nodeSplit[node] = points[order[middle]][widest];
    nodeLeft[node] = build(points, order, start, middle);
    nodeRight[node] = build(points, order, middle, end);
    return node;
  }

  /**
   * Quickselect: afterwards order[k] holds the k-th smallest, smaller ones before, larger after.
   */
  private static void select(double[][] points, int[] order, int lo, int hi, int k, int dim) {
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      double pivot = points[order[mid]][dim];
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

  /**
   * @param cellDistance squared distance from the query to this node's cell
   * @param offsets per dimension, the query's offset from the cell (0 inside the cell's slab)
   */
  private void search(
      int node,
      double cellDistance,
      double[] offsets,
      double[] query,
      LongPredicate skip,
      NearestCollector nearest) {
    if (nodeLeft[node] < 0) {
      scanLeaf(node, query, skip, nearest);
      return;
    }
    int dim = nodeDim[node];
    double diff = query[dim] - nodeSplit[node];
    int near = diff < 0 ? nodeLeft[node] : nodeRight[node];
    int far = diff < 0 ? nodeRight[node] : nodeLeft[node];
    search(near, cellDistance, offsets, query, skip, nearest);
    double previous = offsets[dim];
    double farDistance = cellDistance - previous * previous + diff * diff;
    if (farDistance <= nearest.bound()) {
      offsets[dim] = diff;
      search(far, farDistance, offsets, query, skip, nearest);
      offsets[dim] = previous;
    }
  }

  private void scanLeaf(int node, double[] query, LongPredicate skip, NearestCollector nearest) {
    for (int i = nodeStart[node]; i < nodeEnd[node]; i++) {
      double bound = nearest.bound();
      int base = i * dims;
      double sum = 0;
      for (int d = 0; d < dims && sum <= bound; d++) {
        double diff = coordinates[base + d] - query[d];
        sum += diff * diff;
      }
      if (sum <= bound && (skip == null || !skip.test(keys[i]))) {
        nearest.offer(sum, keys[i]);
      }
    }
  }
}
