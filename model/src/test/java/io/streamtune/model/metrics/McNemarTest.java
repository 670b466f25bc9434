package io.streamtune.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class McNemarTest {

  @Test
  void exactTwoSidedPValueOfSmallCounts() {
    // 2 · (C(12,10) + C(12,11) + C(12,12)) / 2^12
    assertThat(McNemar.pValue(10, 2)).isCloseTo(158.0 / 4096, within(1e-15));
    assertThat(McNemar.pValue(2, 10)).isCloseTo(158.0 / 4096, within(1e-15));
    // 2 · (C(5,5)) / 32
    assertThat(McNemar.pValue(5, 0)).isCloseTo(2.0 / 32, within(1e-15));
  }

  @Test
  void noEvidenceGivesOne() {
    assertThat(McNemar.pValue(0, 0)).isEqualTo(1.0);
    assertThat(McNemar.pValue(7, 7)).isEqualTo(1.0);
  }

  @Test
  void largeCountsAgreeWithTheNormalApproximation() {
    // z = (|b - c| - 1) / sqrt(b + c) = 199 / sqrt(1000) = 6.293; two-sided tail ≈ 3.1e-10
    double p = McNemar.pValue(600, 400);
    assertThat(p).isBetween(1e-10, 1e-9);
    assertThat(McNemar.pValue(60_000, 59_000)).isLessThan(0.01);
  }
}
