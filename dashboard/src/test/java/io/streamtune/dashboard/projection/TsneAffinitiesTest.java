package io.streamtune.dashboard.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TsneAffinitiesTest {

  private static final SklearnGolden GOLDEN = SklearnGolden.load();

  @Test
  void eachPointsDistributionHasTheAskedPerplexity() {
    double[] distances = new double[91];
    for (int m = 0; m < distances.length; m++) {
      distances[m] = 40 + m * 1.5;
    }
    double[] p = TsneAffinities.conditionalProbabilities(distances, 30);

    double entropy = 0;
    double sum = 0;
    for (double value : p) {
      sum += value;
      entropy -= value > 0 ? value * Math.log(value) : 0;
    }
    assertThat(sum).isCloseTo(1, within(1e-12));
    assertThat(Math.exp(entropy)).isCloseTo(30, within(30 * 1e-4));
  }

  @Test
  void jointAffinitiesAreSymmetricSumToOneAndComeFromTheNearestNeighbours() {
    TsneAffinities.Sparse p = TsneAffinities.compute(GOLDEN.input(), 30);

    assertThat(TsneAffinities.neighbourCount(500, 30)).isEqualTo(91);
    Map<Long, Double> entries = new HashMap<>();
    double total = 0;
    for (int i = 0; i < p.rows(); i++) {
      int rowSize = p.rowStart()[i + 1] - p.rowStart()[i];
      assertThat(rowSize).isBetween(91, 2 * 91);
      for (int e = p.rowStart()[i]; e < p.rowStart()[i + 1]; e++) {
        assertThat(p.columns()[e]).isNotEqualTo(i);
        entries.put((long) i * 500 + p.columns()[e], p.values()[e]);
        total += p.values()[e];
      }
    }
    assertThat(total).isCloseTo(1, within(1e-12));
    entries.forEach(
        (key, value) -> assertThat(entries.get((key % 500) * 500 + key / 500)).isEqualTo(value));
  }
}
