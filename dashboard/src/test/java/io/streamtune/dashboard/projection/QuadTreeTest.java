package io.streamtune.dashboard.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuadTreeTest {

  @Test
  void thetaZeroSumsEveryPairExactlyAndDuplicatesDoNotRepelThemselves() {
    double[] positions = scatteredWithDuplicates();
    QuadTree tree = new QuadTree(positions);
    double[] force = new double[2];
    for (int i = 0; i < positions.length / 2; i++) {
      double[] expected = new double[2];
      double expectedNormaliser = bruteForce(positions, i, expected);

      double normaliser = tree.repulsion(i, 0, force);

      assertThat(normaliser).isCloseTo(expectedNormaliser, within(1e-12 * expectedNormaliser));
      assertThat(force[0]).isCloseTo(expected[0], within(1e-12));
      assertThat(force[1]).isCloseTo(expected[1], within(1e-12));
    }
  }

  @Test
  void thetaOneHalfStaysCloseToTheExactRepulsion() {
    double[] positions = scatteredWithDuplicates();
    QuadTree tree = new QuadTree(positions);
    double[] force = new double[2];
    double worstNormaliser = 0;
    double worstForce = 0;
    double largestForce = 0;
    for (int i = 0; i < positions.length / 2; i++) {
      double[] expected = new double[2];
      double expectedNormaliser = bruteForce(positions, i, expected);
      double normaliser = tree.repulsion(i, 0.5, force);
      worstNormaliser =
          Math.max(worstNormaliser, Math.abs(normaliser - expectedNormaliser) / expectedNormaliser);
      worstForce = Math.max(worstForce, Math.hypot(force[0] - expected[0], force[1] - expected[1]));
      largestForce = Math.max(largestForce, Math.hypot(expected[0], expected[1]));
    }
    assertThat(worstNormaliser).isLessThan(0.05).isGreaterThan(0);
    assertThat(worstForce).isLessThan(0.05 * largestForce);
  }

  // 600 points in clusters over [-40, 40]², the last 20 copies of earlier ones
  private static double[] scatteredWithDuplicates() {
    Random random = new Random(11);
    double[] positions = new double[2 * 600];
    for (int i = 0; i < 580; i++) {
      double cx = (i % 4 - 1.5) * 20;
      positions[2 * i] = cx + random.nextGaussian() * 5;
      positions[2 * i + 1] = random.nextGaussian() * 10;
    }
    for (int i = 580; i < 600; i++) {
      positions[2 * i] = positions[2 * (i - 580)];
      positions[2 * i + 1] = positions[2 * (i - 580) + 1];
    }
    return positions;
  }

  private static double bruteForce(double[] positions, int i, double[] force) {
    double normaliser = 0;
    for (int j = 0; j < positions.length / 2; j++) {
      if (j != i) {
        double d0 = positions[2 * i] - positions[2 * j];
        double d1 = positions[2 * i + 1] - positions[2 * j + 1];
        double w = 1 / (1 + d0 * d0 + d1 * d1);
        normaliser += w;
        force[0] += w * w * d0;
        force[1] += w * w * d1;
      }
    }
    return normaliser;
  }
}
