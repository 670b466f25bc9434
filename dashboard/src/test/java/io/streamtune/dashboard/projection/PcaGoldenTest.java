package io.streamtune.dashboard.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaGoldenTest {

  private static final SklearnGolden GOLDEN = SklearnGolden.load();

  @Test
  void projectionAndExplainedVarianceEqualScikitLearns() {
    Pca.Result pca = Pca.fit(GOLDEN.input());

    assertMatrixClose(pca.projection(), GOLDEN.matrix("pca_projection"), 1e-6);
    assertThat(pca.explainedVarianceRatio())
        .containsExactly(GOLDEN.vector("pca_explained_variance_ratio"), within(1e-9));
  }

  @Test
  void subspaceIterationForWideInputsGivesTheSameProjection() {
    // forces the path taken above FULL_EIGEN_MAX_FEATURES features onto the golden input
    Pca.Result pca = Pca.fit(GOLDEN.input(), 0);

    assertMatrixClose(pca.projection(), GOLDEN.matrix("pca_projection"), 1e-6);
    assertThat(pca.explainedVarianceRatio())
        .containsExactly(GOLDEN.vector("pca_explained_variance_ratio"), within(1e-9));
  }

  @Test
  void wideEmbeddingsAgreeBetweenTheTwoSolvers() {
    Random random = new Random(7);
    double[][] x = new double[300][96];
    // two cluster variables of different spread: a clear first and second axis above the noise
    for (double[] row : x) {
      double first = random.nextInt(3) * 4.0;
      double second = random.nextInt(2) * 3.0;
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian() + (j % 3 == 0 ? first : j % 3 == 1 ? second : 0);
      }
    }
    Pca.Result subspace = Pca.fit(x);
    Pca.Result jacobi = Pca.fit(x, 1_000);

    assertMatrixClose(subspace.projection(), jacobi.projection(), 1e-8);
    assertThat(subspace.explainedVarianceRatio())
        .containsExactly(jacobi.explainedVarianceRatio(), within(1e-12));
  }

  @Test
  void signsFollowTheLargestScoreSoANegatedInputMapsTheSame() {
    double[][] negated = new double[GOLDEN.input().length][];
    for (int i = 0; i < negated.length; i++) {
      negated[i] = GOLDEN.input()[i].clone();
      for (int j = 0; j < negated[i].length; j++) {
        negated[i][j] = -negated[i][j];
      }
    }
    assertMatrixClose(Pca.fit(negated).projection(), Pca.fit(GOLDEN.input()).projection(), 1e-9);
  }

  @Test
  void oneFeatureLeavesTheSecondAxisEmpty() {
    Pca.Result pca = Pca.fit(new double[][] {{1}, {2}, {4}});

    assertThat(pca.projection()[2][0]).isCloseTo(4 - 7 / 3.0, within(1e-12));
    assertThat(pca.projection()[0][1]).isZero();
    assertThat(pca.explainedVarianceRatio()).containsExactly(1.0, 0.0);
  }

  @Test
  void badInputIsRefusedWithWhereItIs() {
    assertThatThrownBy(() -> Pca.fit(new double[][] {{1, 2}, {3, Double.NaN}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature 1 of point 1 is NaN");
    assertThatThrownBy(() -> Pca.fit(new double[][] {{1, 2}, {3}}))
        .hasMessageContaining("point 1 has 1 features, point 0 has 2");
    assertThatThrownBy(() -> Pca.fit(new double[][] {{1, 2}}))
        .hasMessageContaining("needs at least 2 points, got 1");
  }

  static void assertMatrixClose(double[][] actual, double[][] expected, double tolerance) {
    assertThat(actual).hasSameDimensionsAs(expected);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        worst = Math.max(worst, Math.abs(actual[i][j] - expected[i][j]));
      }
    }
    assertThat(worst).as("largest absolute difference").isLessThanOrEqualTo(tolerance);
  }
}
