package io.streamtune.preprocess.sampling;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The blocked scan of {@link AllNearestNeighbours}, with whole blocks skipped that cannot hold a
 * neighbour. Points are grouped into leaves of at most {@link #LEAF_SIZE} by median splits in the
 * space of their first {@link #PROJECTIONS} principal components, and stored leaf by leaf, column
 * by column. A query scans its own leaf first, then the others in order of their projected boxes'
 * distance, and stops at the first leaf whose box is farther than its k-th nearest so far: the
 * distance between two points' projections onto orthonormal directions never exceeds their
 * distance, so no skipped leaf can hold a closer point. On lending_club's 17 standardized columns
 * three components hold 46% of the variance and about 90% of the candidate distances are skipped.
 *
 * <p>Distances of the candidates that are scanned are the exact ones ({@link
 * AllNearestNeighbours#squaredDistances}), and neighbours are ordered by (squared distance,
 * position), so the answer does not depend on the leaves: skipping only removes points that are
 * farther, with a margin for the rounding of the projections.
 */
final class ProjectedLeaves {

  static final int LEAF_SIZE = 256;

  /** Leaves are cut further into blocks of at most this many, each skipped on its own box. */
  static final int BLOCK_SIZE = 64;

  static final int PROJECTIONS = 3;

  /** A leaf is skipped only when its bound exceeds the k-th distance by more than this share. */
  private static final double RELATIVE_SLACK = 1e-6;

  private static final int POWER_ITERATIONS = 60;

  /** Low bits of a packed (bound, leaf) sort key that hold the leaf. */
  private static final long LEAF_BITS_MASK = (1L << 24) - 1;

  private final double[][] points;
  private final int dims;
  private final int projections;
  private final double[][] columns;
  private final int[] positionAt;
  private final double[][] projected;
  private final int[] leafStart;
  private final double[] leafLow;
  private final double[] leafHigh;
  private final int[] leafFirstBlock;
  private final int[] blockStart;
  private final double[] blockLow;
  private final double[] blockHigh;
  private int blocks;
  private final double absoluteSlack;
  private int leaves;

  ProjectedLeaves(double[][] points) {
    this.points = points;
    int n = points.length;
    this.dims = points[0].length;
    this.projections = Math.min(PROJECTIONS, dims);
    double[] mean = new double[dims];
    for (double[] point : points) {
      for (int d = 0; d < dims; d++) {
        mean[d] += point[d] / n;
      }
    }
    double[][] directions = principalDirections(points, mean, projections);
    projected = new double[n][projections];
    double largestSquare = 0;
    for (int i = 0; i < n; i++) {
      double square = 0;
      for (int d = 0; d < dims; d++) {
        double centred = points[i][d] - mean[d];
        square += centred * centred;
        for (int p = 0; p < projections; p++) {
          projected[i][p] += centred * directions[p][d];
        }
      }
      largestSquare = Math.max(largestSquare, square);
    }
    // rounding in the projections is relative to the points' size, not to their distances
    absoluteSlack = 1e-9 * (1 + largestSquare);
    positionAt = IntStream.range(0, n).toArray();
    int maxLeaves = 2 * (n / (LEAF_SIZE / 2) + 1);
    leafStart = new int[maxLeaves + 1];
    leafLow = new double[maxLeaves * projections];
    leafHigh = new double[maxLeaves * projections];
    leafFirstBlock = new int[maxLeaves + 1];
    int maxBlocks = 2 * (n / (BLOCK_SIZE / 2) + 1) + maxLeaves;
    blockStart = new int[maxBlocks + 1];
    blockLow = new double[maxBlocks * projections];
    blockHigh = new double[maxBlocks * projections];
    split(0, n, false);
    leafStart[leaves] = n;
    leafFirstBlock[leaves] = blocks;
    blockStart[blocks] = n;
    columns = new double[dims][n];
    for (int leaf = 0; leaf < leaves; leaf++) {
      for (int at = leafStart[leaf]; at < leafStart[leaf + 1]; at++) {
        for (int d = 0; d < dims; d++) {
          double value = points[positionAt[at]][d];
          columns[d][at] = value;
        }
      }
    }
  }

  /**
   * The leading eigenvectors of the covariance matrix, by power iteration with deflation, made
   * orthonormal. Any orthonormal directions keep the skipping exact; the leading ones skip most.
   */
  private static double[][] principalDirections(double[][] points, double[] mean, int count) {
    int dims = mean.length;
    double[][] covariance = new double[dims][dims];
    for (double[] point : points) {
      for (int a = 0; a < dims; a++) {
        double ca = point[a] - mean[a];
        for (int b = a; b < dims; b++) {
          covariance[a][b] += ca * (point[b] - mean[b]);
        }
      }
    }
    for (int a = 0; a < dims; a++) {
      for (int b = 0; b < a; b++) {
        covariance[a][b] = covariance[b][a];
      }
    }
    double[][] directions = new double[count][dims];
    for (int p = 0; p < count; p++) {
      double[] v = directions[p];
      for (int d = 0; d < dims; d++) {
        v[d] = 1.0 + 0.01 * ((d * 7 + p * 3) % 11); // deterministic, not orthogonal to any axis
      }
      for (int iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
        double[] next = new double[dims];
        for (int a = 0; a < dims; a++) {
          for (int b = 0; b < dims; b++) {
            next[a] += covariance[a][b] * v[b];
          }
        }
        System.arraycopy(next, 0, v, 0, dims);
        orthonormalise(directions, p);
      }
    }
    return directions;
  }

  /** Gram-Schmidt of directions[p] against the ones before it; an all-zero one becomes an axis. */
  private static void orthonormalise(double[][] directions, int p) {
    double[] v = directions[p];
    for (int q = 0; q < p; q++) {
      double dot = 0;
      for (int d = 0; d < v.length; d++) {
        dot += v[d] * directions[q][d];
      }
      for (int d = 0; d < v.length; d++) {
        v[d] -= dot * directions[q][d];
      }
    }
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm < 1e-12) { // no variance left (or fewer distinct directions): no skipping along it
      Arrays.fill(v, 0);
      return;
    }
    for (int d = 0; d < v.length; d++) {
      v[d] /= norm;
    }
  }

  /** Median splits along the widest projection: into leaves, and leaves into blocks. */
  private void split(int start, int end, boolean inLeaf) {
    int widest = 0;
    double widestSpread = -1;
    double[] low = new double[projections];
    double[] high = new double[projections];
    Arrays.fill(low, Double.POSITIVE_INFINITY);
    Arrays.fill(high, Double.NEGATIVE_INFINITY);
    for (int at = start; at < end; at++) {
      double[] p = projected[positionAt[at]];
      for (int d = 0; d < projections; d++) {
        low[d] = Math.min(low[d], p[d]);
        high[d] = Math.max(high[d], p[d]);
      }
    }
    for (int d = 0; d < projections; d++) {
      if (high[d] - low[d] > widestSpread) {
        widestSpread = high[d] - low[d];
        widest = d;
      }
    }
    if (!inLeaf && (end - start <= LEAF_SIZE || widestSpread <= 0)) {
      leafStart[leaves] = start;
      leafFirstBlock[leaves] = blocks;
      System.arraycopy(low, 0, leafLow, leaves * projections, projections);
      System.arraycopy(high, 0, leafHigh, leaves * projections, projections);
      leaves++;
      inLeaf = true;
    }
    if (inLeaf && (end - start <= BLOCK_SIZE || widestSpread <= 0)) {
      blockStart[blocks] = start;
      System.arraycopy(low, 0, blockLow, blocks * projections, projections);
      System.arraycopy(high, 0, blockHigh, blocks * projections, projections);
      blocks++;
      return;
    }
    KdTree.select(projected, positionAt, start, end - 1, (start + end) >>> 1, widest);
    int middle = (start + end) >>> 1;
    split(start, middle, inLeaf);
    split(middle, end, inLeaf);
  }

  /** Squared distance from a projected point to a projected box. */
  private double boxBound(double[] p, double[] lows, double[] highs, int box) {
    double sum = 0;
    for (int d = 0; d < projections; d++) {
      double low = lows[box * projections + d];
      double high = highs[box * projections + d];
      double outside = p[d] < low ? low - p[d] : (p[d] > high ? p[d] - high : 0);
      sum += outside * outside;
    }
    return sum;
  }

  /** Whether a box at this squared (projected) distance may still hold a point within bound. */
  private boolean mayHold(double boxBound, double bound) {
    return boxBound * (1 - RELATIVE_SLACK) <= bound + absoluteSlack;
  }

  /**
   * Fills neighbours[position] for every queried position. The threads claim runs of leaves and
   * search their queries one at a time, each with its own scratch arrays; every answer goes to its
   * own slot and depends only on the data, so the result is the same on any number of threads.
   */
  long[][] nearest(int k, IntPredicate isQuery, long[][] neighbours, NeighbourThreads threads) {
    int capacity = Math.max(1, Math.min(k, points.length - 1));
    forEachQuery(
        isQuery,
        threads,
        (position, scratch) ->
            neighbours[position] =
                nearestTo(
                    position, capacity, scratch.distances, scratch.leafBound, scratch.leafOrder));
    return neighbours;
  }

  /** One thread's scratch arrays, reused by each of its queries. */
  private record Scratch(double[] distances, double[] leafBound, long[] leafOrder) {}

  private interface QueryBody {
    void answer(int position, Scratch scratch);
  }

  /**
   * Runs body for every queried position: the threads claim runs of leaves, each with its own
   * scratch arrays, and every answer goes to its own slot.
   */
  private void forEachQuery(IntPredicate isQuery, NeighbourThreads threads, QueryBody body) {
    threads.run(
        leaves,
        () -> {
          Scratch scratch =
              new Scratch(new double[points.length], new double[leaves], new long[leaves]);
          return (firstLeaf, endLeaf) -> {
            for (int at = leafStart[firstLeaf]; at < leafStart[endLeaf]; at++) {
              int position = positionAt[at];
              if (isQuery.test(position)) {
                body.answer(position, scratch);
              }
            }
          };
        });
  }

  private long[] nearestTo(
      int position, int k, double[] distances, double[] leafBound, long[] leafOrder) {
    double[] query = points[position];
    double[] p = projected[position];
    orderLeaves(p, leafBound, leafOrder);
    NearestCollector nearest = new NearestCollector(k);
    for (long packed : leafOrder) {
      int leaf = (int) (packed & LEAF_BITS_MASK);
      if (!mayHold(leafBound[leaf], nearest.bound())) {
        break; // every later leaf is at least as far
      }
      for (int block = leafFirstBlock[leaf]; block < leafFirstBlock[leaf + 1]; block++) {
        double bound = nearest.bound();
        if (!mayHold(boxBound(p, blockLow, blockHigh, block), bound)) {
          continue;
        }
        int start = blockStart[block];
        int end = blockStart[block + 1];
        AllNearestNeighbours.squaredDistances(columns, query, start, end - start, distances);
        for (int j = start; j < end; j++) {
          if (distances[j] <= bound) {
            int other = positionAt[j];
            if (other != position) {
              nearest.offer(distances[j], other);
              bound = nearest.bound();
            }
          }
        }
      }
    }
    return nearest.keys();
  }

  /** Leaves by the distance of their projected boxes from p, nearest first. */
  private void orderLeaves(double[] p, double[] leafBound, long[] leafOrder) {
    for (int leaf = 0; leaf < leaves; leaf++) {
      double sum = boxBound(p, leafLow, leafHigh, leaf);
      leafBound[leaf] = sum;
      // a non-negative double's bits sort as the double does; the leaf goes in the low bits, which
      // only lowers the bound used for ordering (never the one used for skipping)
      leafOrder[leaf] = (Double.doubleToRawLongBits(sum) & ~LEAF_BITS_MASK) | leaf;
    }
    Arrays.sort(leafOrder);
  }

  /**
   * Sets found[position] for every queried position that has at least k other points at a squared
   * distance strictly below squaredBound[position]. Each search stops at the k-th such point;
   * leaves and blocks whose boxes lie beyond the bound are skipped, which can only make it miss
   * (then the caller asks the exact query), never report a point that is not closer.
   */
  void hasCloser(
      int k,
      IntPredicate isQuery,
      double[] squaredBound,
      boolean[] found,
      NeighbourThreads threads) {
    forEachQuery(
        isQuery,
        threads,
        (position, scratch) ->
            found[position] =
                countsCloser(
                    position,
                    k,
                    squaredBound[position],
                    scratch.distances,
                    scratch.leafBound,
                    scratch.leafOrder));
  }

  private boolean countsCloser(
      int position, int k, double bound, double[] distances, double[] leafBound, long[] leafOrder) {
    if (!(bound > 0)) {
      return false;
    }
    double[] query = points[position];
    double[] p = projected[position];
    orderLeaves(p, leafBound, leafOrder);
    int count = 0;
    for (long packed : leafOrder) {
      int leaf = (int) (packed & LEAF_BITS_MASK);
      if (!mayHold(leafBound[leaf], bound)) {
        return false; // every later leaf is at least as far
      }
      for (int block = leafFirstBlock[leaf]; block < leafFirstBlock[leaf + 1]; block++) {
        if (!mayHold(boxBound(p, blockLow, blockHigh, block), bound)) {
          continue;
        }
        int start = blockStart[block];
        int end = blockStart[block + 1];
        AllNearestNeighbours.squaredDistances(columns, query, start, end - start, distances);
        for (int j = start; j < end; j++) {
          if (distances[j] < bound && positionAt[j] != position && ++count >= k) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
