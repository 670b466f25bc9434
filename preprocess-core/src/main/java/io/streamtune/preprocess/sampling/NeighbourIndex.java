package io.streamtune.preprocess.sampling;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Exact k-nearest-neighbour search over a set that changes: a {@link KdTree} over a snapshot, plus
 * the points added since (scanned directly) and a set of snapshot points removed since (skipped).
 * The tree is rebuilt when the changes since the snapshot exceed about 8·√n, so a query costs a
 * tree search plus O(√n) distances, and rebuilding costs O(√n log n) per change on average (the
 * factor 8 weighs a rebuild, which sorts every dimension, against scanning the recent points). Keys
 * are stable (an arrival sequence), so results do not depend on when the tree was rebuilt.
 */
public final class NeighbourIndex {

  private static final int MIN_CHANGES_BEFORE_REBUILD = 64;

  private final int dims;
  private final Map<Long, double[]> points = new HashMap<>();
  private final Map<Long, double[]> added = new LinkedHashMap<>();
  private final Set<Long> removedFromTree = new HashSet<>();
  private KdTree tree;
  private int rebuilds;

  public NeighbourIndex(int dims) {
    this.dims = dims;
    this.tree = KdTree.build(new double[0][], new long[0], dims);
  }

  public int size() {
    return points.size();
  }

  public boolean contains(long key) {
    return points.containsKey(key);
  }

  public double[] vector(long key) {
    return points.get(key);
  }

  /** How often the tree has been rebuilt (for tests and metrics). */
  public int rebuilds() {
    return rebuilds;
  }

  public void add(long key, double[] vector) {
    if (vector.length != dims) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " dimensions, expected " + dims);
    }
    if (points.putIfAbsent(key, vector) != null) {
      throw new IllegalArgumentException("key " + key + " is already in the index");
    }
    // a key removed and added again stays skipped in the snapshot; its new vector is in 'added'
    added.put(key, vector);
  }

  public void remove(long key) {
    if (points.remove(key) == null) {
      return;
    }
    if (added.remove(key) == null) {
      removedFromTree.add(key);
    }
  }

  /** Keys of the k nearest points to {@code query}, nearest first; never {@code excludedKey}. */
  public long[] nearest(double[] query, int k, long excludedKey) {
    rebuildIfStale();
    NearestCollector nearest = new NearestCollector(k);
    tree.collect(
        query,
        key -> key == excludedKey || removedFromTree.contains(key) || added.containsKey(key),
        nearest);
    for (Map.Entry<Long, double[]> entry : added.entrySet()) {
      long key = entry.getKey();
      if (key == excludedKey) {
        continue;
      }
      double[] point = entry.getValue();
      double bound = nearest.bound();
      double sum = 0;
      for (int d = 0; d < dims && sum <= bound; d++) {
        double diff = point[d] - query[d];
        sum += diff * diff;
      }
      if (sum <= bound) {
        nearest.offer(sum, key);
      }
    }
    return nearest.keys();
  }

  /** The k nearest other points to the point stored under {@code key}. */
  public long[] nearestTo(long key, int k) {
    double[] query = points.get(key);
    if (query == null) {
      throw new IllegalArgumentException("key " + key + " is not in the index");
    }
    return nearest(query, k, key);
  }

  private void rebuildIfStale() {
    int changes = added.size() + removedFromTree.size();
    int threshold = Math.max(MIN_CHANGES_BEFORE_REBUILD, (int) (8 * Math.sqrt(points.size())));
    if (changes <= threshold) {
      return;
    }
    double[][] vectors = new double[points.size()][];
    long[] keys = new long[points.size()];
    int i = 0;
    for (Map.Entry<Long, double[]> entry : points.entrySet()) {
      keys[i] = entry.getKey();
      vectors[i++] = entry.getValue();
    }
    tree = KdTree.build(vectors, keys, dims);
    added.clear();
    removedFromTree.clear();
    rebuilds++;
  }
}
