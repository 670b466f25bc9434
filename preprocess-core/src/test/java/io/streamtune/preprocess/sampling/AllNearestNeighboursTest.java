package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AllNearestNeighboursTest {

  private static double[][] randomPoints(Random random, int n, int dims, boolean grid) {
    double[][] points = new double[n][dims];
    for (double[] point : points) {
      for (int d = 0; d < dims; d++) {
        // a coarse grid makes many exact ties and duplicates
        point[d] = grid ? random.nextInt(3) : random.nextGaussian();
      }
    }
    return points;
  }

  private static long[] positions(int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = i;
    }
    return keys;
  }

  @Test
  void scanAndTreeGiveTheBruteForceNeighboursOfEveryQueriedPointTiesByPosition() {
    Random random = new Random(5);
    // {dims, points}: scanned in 17 and 3 dimensions (few points), tree in 3 dimensions; blocks of
    // 64 queries and 512 candidates end mid-array
    int[][] shapes = {{17, 1_100}, {16, 700}, {3, 200}, {3, 3_000}, {1, 40}};
    for (int[] shape : shapes) {
      for (boolean grid : new boolean[] {false, true}) {
        double[][] points = randomPoints(random, shape[1], shape[0], grid);
        for (int k : new int[] {1, 3}) {
          long[][] all = AllNearestNeighbours.of(points, k, i -> i % 5 != 2);
          for (int i = 0; i < points.length; i++) {
            if (i % 5 == 2) {
              assertThat(all[i]).isNull();
              continue;
            }
            if (i % 7 == 0) { // brute force is slow: check every seventh point
              assertThat(all[i])
                  .as("dims %d n %d grid %s k %d point %d", shape[0], shape[1], grid, k, i)
                  .containsExactly(
                      KdTreeTest.bruteForce(points, positions(points.length), points[i], k, i));
            }
          }
        }
      }
    }
  }

  @Test
  void scansInManyDimensionsOrFewPointsAndSearchesATreeOtherwise() {
    assertThat(AllNearestNeighbours.scans(9_857, 17)).isTrue();
    assertThat(AllNearestNeighbours.scans(100_000, 16)).isTrue();
    assertThat(AllNearestNeighbours.scans(9_857, 5)).isFalse();
    assertThat(AllNearestNeighbours.scans(20, 5)).isTrue();
    assertThat(AllNearestNeighbours.scans(1_000_000, 17)).isFalse();
  }

  @Test
  void theScanAndTheTreeAgreeBitForBitOnTheLendingClubMatrix() {
    double[][] points =
        Golden.lendingClub().stream().map(LabeledVector::features).toArray(double[][]::new);
    assertThat(AllNearestNeighbours.scans(points.length, 17)).isTrue();
    long[][] scanned = AllNearestNeighbours.of(points, 3, i -> true);
    KdTree tree = KdTree.build(points, 17);
    for (int i = 0; i < points.length; i += 3) {
      int self = i;
      assertThat(scanned[i])
          .as("row %d", i)
          .containsExactly(tree.nearest(points[i], 3, key -> key == self));
    }
  }

  @Test
  void manyEqualPointsShareOneOversizedBlockAndTiesGoToTheLowestPositions() {
    double[][] points = new double[700][17];
    for (int i = 600; i < 700; i++) {
      points[i][i % 17] = 1 + i; // 600 equal points at the origin, 100 spread out
    }
    long[][] all = AllNearestNeighbours.of(points, 3, i -> true);
    assertThat(all[0]).containsExactly(1, 2, 3);
    assertThat(all[599]).containsExactly(0, 1, 2);
    for (int i = 600; i < 700; i++) {
      assertThat(all[i])
          .containsExactly(KdTreeTest.bruteForce(points, positions(700), points[i], 3, i));
    }
  }

  @Test
  void aSinglePointHasNoNeighbours() {
    assertThat(AllNearestNeighbours.of(new double[][] {{1, 2}}, 3, i -> true)[0]).isEmpty();
    assertThat(AllNearestNeighbours.of(new double[0][], 1, i -> true)).isEmpty();
  }
}
