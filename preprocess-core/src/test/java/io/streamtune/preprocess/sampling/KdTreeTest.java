package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KdTreeTest {

  /** Keys of the k nearest by brute force, ordered by (squared distance, key). */
  static long[] bruteForce(double[][] points, long[] keys, double[] query, int k, long excluded) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < points.length; i++) {
      if (keys[i] != excluded) {
        order.add(i);
      }
    }
    order.sort(
        Comparator.<Integer>comparingDouble(i -> squaredDistance(points[i], query))
            .thenComparingLong(i -> keys[i]));
    return order.stream().limit(k).mapToLong(i -> keys[i]).toArray();
  }

  static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int d = 0; d < a.length; d++) {
      double diff = a[d] - b[d];
      sum += diff * diff;
    }
    return sum;
  }

  private static double[][] randomPoints(Random random, int n, int dims, boolean grid) {
    double[][] points = new double[n][dims];
    for (double[] point : points) {
      for (int d = 0; d < dims; d++) {
        // a coarse grid makes many exact ties and duplicates
        point[d] = grid ? random.nextInt(4) : random.nextGaussian();
      }
    }
    return points;
  }

  @Test
  void findsExactlyTheBruteForceNeighboursInOrderIncludingTies() {
    Random random = new Random(3);
    // 17 dimensions: 9,000 points are split into a tree, 700 are scanned
    int[][] cases = {{1, 700}, {2, 700}, {5, 700}, {17, 700}, {17, 9_000}};
    for (int[] shape : cases) {
      int dims = shape[0];
      for (boolean grid : new boolean[] {false, true}) {
        double[][] points = randomPoints(random, shape[1], dims, grid);
        long[] keys = new long[points.length];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = 1000L + (i * 7919L) % 997; // unordered, distinct keys
        }
        KdTree tree = KdTree.build(points, keys, dims);
        assertThat(tree.isSplit()).isEqualTo(points.length >= KdTree.bruteForceBelow(dims));
        for (int q = 0; q < 60; q++) {
          int self = random.nextInt(points.length);
          double[] query = q % 2 == 0 ? points[self] : randomPoints(random, 1, dims, grid)[0];
          long excluded = keys[self];
          for (int k : new int[] {1, 3, 8}) {
            assertThat(tree.nearest(query, k, key -> key == excluded))
                .as("dims %d grid %s k %d", dims, grid, k)
                .containsExactly(bruteForce(points, keys, query, k, excluded));
          }
        }
      }
    }
  }

  @Test
  void onlyTreesWithManyMorePointsThanTwoToTheHalfDimensionAreSplit() {
    assertThat(KdTree.bruteForceBelow(2)).isEqualTo(32);
    assertThat(KdTree.bruteForceBelow(17)).isEqualTo(8_192);
    assertThat(KdTree.bruteForceBelow(384)).isEqualTo(16 << 26);
    double[][] line = new double[200][];
    for (int i = 0; i < line.length; i++) {
      line[i] = new double[] {i, -i};
    }
    KdTree tree = KdTree.build(line, 2);
    assertThat(tree.isSplit()).isTrue();
    assertThat(tree.nearest(new double[] {100.2, -100.2}, 2, null)).containsExactly(100L, 101L);
  }

  @Test
  void smallAndDegenerateTrees() {
    double[][] same = {{1, 1}, {1, 1}, {1, 1}};
    KdTree tree = KdTree.build(same, 2);
    assertThat(tree.nearest(new double[] {0, 0}, 2, null)).containsExactly(0L, 1L);
    assertThat(tree.nearest(new double[] {0, 0}, 5, key -> key == 1)).containsExactly(0L, 2L);

    KdTree empty = KdTree.build(new double[0][], 3);
    assertThat(empty.nearest(new double[] {0, 0, 0}, 2, null)).isEmpty();

    double[][] many = new double[100][]; // one dimension: a split tree
    for (int i = 0; i < many.length; i++) {
      many[i] = new double[] {i};
    }
    assertThat(KdTree.build(many, 1).nearest(new double[] {41.6}, 3, null))
        .containsExactly(42L, 41L, 43L);
  }

  @Test
  void rejectsVectorsOfTheWrongWidth() {
    assertThatThrownBy(() -> KdTree.build(new double[][] {{1, 2}, {3}}, 2))
        .hasMessageContaining("point 1 has 1 dimensions, expected 2");
    KdTree tree = KdTree.build(new double[][] {{1, 2}}, 2);
    assertThatThrownBy(() -> tree.nearest(new double[] {1}, 1, null))
        .hasMessageContaining("query has 1 dimensions");
  }
}
