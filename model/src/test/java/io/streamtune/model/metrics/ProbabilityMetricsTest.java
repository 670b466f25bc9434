package io.streamtune.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-checked cases and bad input; the sklearn agreement is MetricsGoldenTest's. */
class ProbabilityMetricsTest {

  @Test
  void tiedPositiveAndNegativeCountHalfForRocAucAndShareOneThresholdForAveragePrecision() {
    // scores: pos 0.9, pos 0.5, neg 0.5, neg 0.1. Pairs: (0.9>0.5), (0.9>0.1), (0.5=0.5)→½,
    // (0.5>0.1): AUC = 3.5/4. AP: thresholds 0.9 (P=1, R=½), 0.5 (P=2/3, R=1): ½·1 + ½·2/3
    boolean[] positive = {true, true, false, false};
    double[] score = {0.9, 0.5, 0.5, 0.1};
    assertThat(ProbabilityMetrics.rocAuc(positive, score)).isCloseTo(0.875, within(1e-15));
    assertThat(ProbabilityMetrics.averagePrecision(positive, score))
        .isCloseTo(0.5 + 1.0 / 3, within(1e-15));
    assertThat(ProbabilityMetrics.rocAuc(new boolean[] {true, true}, new double[] {0.1, 0.2}))
        .isNaN();
    assertThat(ProbabilityMetrics.averagePrecision(new boolean[] {false}, new double[] {0.1}))
        .isNaN();
  }

  @Test
  void perfectConfidentPredictionsHaveNoLossAndNoCalibrationError() {
    int[] actual = {0, 1, 2, 1};
    float[][] probabilities = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 0}};

    ProbabilityMetrics m = ProbabilityMetrics.compute(actual, probabilities, 3);

    // clipped at the double epsilon: −ln(1 − 2ε)/(1) ≈ 4.4e-16
    assertThat(m.logLoss()).isCloseTo(0, within(1e-15));
    assertThat(m.brierScore()).isEqualTo(0.0);
    assertThat(m.macroRocAuc()).isEqualTo(1.0);
    assertThat(m.macroAveragePrecision()).isEqualTo(1.0);
    assertThat(m.expectedCalibrationError()).isEqualTo(0.0);
  }

  @Test
  void uniformProbabilitiesScoreLnKAndCalibrationErrorIsTheAccuracyGap() {
    int[] actual = {0, 1, 2, 0};
    float third = 1f / 3;
    float[][] probabilities = new float[4][];
    for (int i = 0; i < 4; i++) {
      probabilities[i] = new float[] {third, third, third};
    }

    ProbabilityMetrics m = ProbabilityMetrics.compute(actual, probabilities, 3);

    assertThat(m.logLoss()).isCloseTo(Math.log(3), within(1e-12));
    // every row predicts class 0 (lowest index on the tie) with confidence 1/3; accuracy ½
    assertThat(m.expectedCalibrationError()).isCloseTo(0.5 - third, within(1e-7));
    // per row: (2/3)² + 2·(1/3)² = 2/3
    assertThat(m.brierScore()).isCloseTo(2.0 / 3, within(1e-7));
    assertThat(m.macroRocAuc()).isEqualTo(0.5);
  }

  @Test
  void badInputFailsWithAClearMessage() {
    assertThatThrownBy(() -> ProbabilityMetrics.compute(new int[] {0}, new float[][] {{1, 0}}, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probabilities[0] has 2 columns; expected one per class, 3");
    assertThatThrownBy(
            () -> ProbabilityMetrics.compute(new int[] {0}, new float[][] {{Float.NaN, 1}}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be finite and >= 0");
    assertThatThrownBy(() -> ProbabilityMetrics.compute(new int[] {2}, new float[][] {{0, 1}}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("actual[0] = 2 is not a class index");
    assertThatThrownBy(() -> ProbabilityMetrics.compute(new int[0], new float[0][], 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero examples");
  }

  @Test
  void latencyPercentilesInterpolateBetweenOrderStatistics() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[i] = (100 - i) * 1_000_000L; // 1..100 ms, unordered
    }
    Latency latency = Latency.ofNanos(nanos);
    assertThat(latency.p50Millis()).isCloseTo(50.5, within(1e-9));
    assertThat(latency.p99Millis()).isCloseTo(99.01, within(1e-9));
    assertThat(latency.samples()).isEqualTo(100);
    assertThatThrownBy(() -> Latency.ofNanos(new long[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no latency");
  }
}
