package io.streamtune.dashboard.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrustworthinessGoldenTest {

  private static final SklearnGolden GOLDEN = SklearnGolden.load();

  @Test
  void equalsScikitLearnsOnItsOwnTsneMap() {
    double[][] map = GOLDEN.matrix("tsne_embedding");

    assertThat(Trustworthiness.of(GOLDEN.input(), map))
        .isCloseTo(GOLDEN.number("tsne_trustworthiness_k5"), within(1e-9));
    assertThat(Trustworthiness.of(GOLDEN.input(), map, 10))
        .isCloseTo(GOLDEN.number("tsne_trustworthiness_k10"), within(1e-9));
  }

  @Test
  void equalsScikitLearnsOnItsPcaMap() {
    assertThat(Trustworthiness.of(GOLDEN.input(), GOLDEN.matrix("pca_projection")))
        .isCloseTo(GOLDEN.number("pca_trustworthiness_k5"), within(1e-9));
  }

  @Test
  void aMapThatKeepsEveryNeighbourScoresOne() {
    double[][] line = {{0}, {1}, {3}, {6}, {10}, {15}, {21}, {28}, {36}, {45}, {55}, {66}};
    double[][] stretched = new double[line.length][];
    for (int i = 0; i < line.length; i++) {
      stretched[i] = new double[] {line[i][0] * 3, 0};
    }
    assertThat(Trustworthiness.of(line, stretched, 3)).isEqualTo(1.0);
  }

  @Test
  void refusesMismatchedOrTooManyNeighbours() {
    double[][] ten = new double[10][1];
    for (int i = 0; i < 10; i++) {
      ten[i][0] = i;
    }
    assertThatThrownBy(() -> Trustworthiness.of(ten, ten, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("< n / 2 = 5.0, got 5");
    assertThatThrownBy(() -> Trustworthiness.of(ten, new double[9][1]))
        .hasMessageContaining("the input has 10 points, the embedding 9");
  }
}
