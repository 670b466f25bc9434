package io.streamtune.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedTestsTest {

  @Test
  void identicalPredictorsShowNoDifferenceAndPValueOne() {
    int[][] data = BootstrapTest.predictions(300, 3, 0.7, 1);

    PairedComparison comparison =
        PairedTests.bootstrapMacroF1(data[0], data[1], data[1].clone(), 3, 1000, 9, 0.95);

    assertThat(comparison.test()).isEqualTo(PairedTests.BOOTSTRAP_MACRO_F1);
    assertThat(comparison.difference()).isEqualTo(0.0);
    assertThat(comparison.interval()).isEqualTo(new Interval(0, 0, 0.95));
    assertThat(comparison.pValue()).isEqualTo(1.0);
    assertThat(PairedTests.mcNemarAccuracy(data[0], data[1], data[1]).pValue()).isEqualTo(1.0);
  }

  @Test
  void bootstrapPValueIsCalibratedUnderTheNullOfEquallyGoodPredictors() {
    // two predictors with independent errors at the same 75% rate: "no difference" is true, so
    // p should be about uniform: p < 0.05 in about 5% of holdouts, and mean p about 0.5
    int trials = 200;
    int rejected = 0;
    double sumP = 0;
    for (int t = 0; t < trials; t++) {
      Random random = new Random(1000 + t);
      int n = 300;
      int[] actual = new int[n];
      int[] first = new int[n];
      int[] second = new int[n];
      for (int i = 0; i < n; i++) {
        actual[i] = random.nextInt(3);
        first[i] = random.nextDouble() < 0.75 ? actual[i] : (actual[i] + 1) % 3;
        second[i] = random.nextDouble() < 0.75 ? actual[i] : (actual[i] + 2) % 3;
      }
      double p = PairedTests.bootstrapMacroF1(actual, first, second, 3, 400, t, 0.95).pValue();
      sumP += p;
      if (p < 0.05) {
        rejected++;
      }
    }
    // binomial(200, 0.05): mean 10, sd 3.1
    assertThat(rejected).isBetween(3, 20);
    assertThat(sumP / trials).isBetween(0.4, 0.6);
  }

  @Test
  void clearlyBetterChallengerHasAPositiveIntervalAndSmallP() {
    int[][] good = BootstrapTest.predictions(400, 3, 0.9, 2);
    int[] actual = good[0];
    int[] worse = BootstrapTest.predictions(400, 3, 0.6, 3)[1];
    // re-aim the worse predictor at the same labels: right where a coin of 0.6 says so
    Random random = new Random(4);
    for (int i = 0; i < actual.length; i++) {
      worse[i] = random.nextDouble() < 0.6 ? actual[i] : (actual[i] + 1) % 3;
    }

    PairedComparison better =
        PairedTests.bootstrapMacroF1(actual, good[1], worse, 3, 1000, 5, 0.95);

    double expected =
        ClassificationMetrics.macroF1(actual, good[1], 3)
            - ClassificationMetrics.macroF1(actual, worse, 3);
    assertThat(better.difference()).isEqualTo(expected).isGreaterThan(0.2);
    assertThat(better.interval().low()).isGreaterThan(0.2);
    assertThat(better.interval().contains(expected)).isTrue();
    // every resample favours the challenger: p is the smallest the resamples can show
    assertThat(better.pValue()).isCloseTo(2.0 / 1001, within(1e-15));

    PairedComparison swapped =
        PairedTests.bootstrapMacroF1(actual, worse, good[1], 3, 1000, 5, 0.95);
    assertThat(swapped.difference()).isEqualTo(-expected);
    assertThat(swapped.pValue()).isEqualTo(better.pValue());
    assertThat(swapped.interval().high()).isCloseTo(-better.interval().low(), within(1e-12));
  }

  @Test
  void nonInferiorityNullShiftsTheTest() {
    int[][] data = BootstrapTest.predictions(300, 3, 0.8, 6);
    int[] actual = data[0];
    int[] slightlyWorse = data[1].clone();
    for (int i = 0; i < 6; i++) {
      slightlyWorse[i] = (actual[i] + 1) % 3;
    }
    PairedComparison againstZero =
        PairedTests.bootstrapMacroF1(actual, slightlyWorse, data[1], 3, 1000, 1, 0.95);
    PairedComparison againstMargin =
        PairedTests.bootstrapMacroF1(actual, slightlyWorse, data[1], 3, 1000, 1, 0.95, -0.10);

    assertThat(againstZero.difference()).isNegative().isGreaterThan(-0.05);
    assertThat(againstMargin.interval()).isEqualTo(againstZero.interval());
    // the challenger is not better, but clearly not worse by 0.10
    assertThat(againstMargin.interval().low()).isGreaterThan(-0.10);
    assertThat(againstMargin.pValue()).isLessThan(0.01);
  }

  @Test
  void mcNemarCountsTheDiscordantPairsExactly() {
    // 100 examples: 10 only the challenger gets right, 2 only the reference, 88 both or neither
    int n = 100;
    int[] actual = new int[n];
    int[] challenger = new int[n];
    int[] reference = new int[n];
    for (int i = 0; i < n; i++) {
      boolean challengerRight = i < 10 || (i >= 12 && i < 80);
      boolean referenceRight = (i >= 10 && i < 12) || (i >= 12 && i < 80);
      challenger[i] = challengerRight ? 0 : 1;
      reference[i] = referenceRight ? 0 : 2;
    }

    PairedComparison comparison = PairedTests.mcNemarAccuracy(actual, challenger, reference);

    assertThat(comparison.test()).isEqualTo(PairedTests.MCNEMAR_ACCURACY);
    assertThat(comparison.difference()).isCloseTo(0.08, within(1e-15));
    // scipy.stats.binomtest(10, 12, 0.5).pvalue = 0.03857421875 = 158/4096
    assertThat(comparison.pValue()).isCloseTo(0.03857421875, within(1e-15));
    // Agresti-Min with scipy's norm.ppf(0.975): [0.010842140682498697, 0.14602060441554052]
    assertThat(comparison.interval().low()).isCloseTo(0.010842140682498697, within(1e-8));
    assertThat(comparison.interval().high()).isCloseTo(0.14602060441554052, within(1e-8));
    assertThat(comparison.interval().level()).isEqualTo(0.95);
  }

  @Test
  void normalQuantileMatchesScipy() {
    assertThat(PairedTests.standardNormalQuantile(0.975))
        .isCloseTo(1.959963984540054, within(1e-8));
    assertThat(PairedTests.standardNormalQuantile(0.995))
        .isCloseTo(2.5758293035489004, within(1e-8));
    assertThat(PairedTests.standardNormalQuantile(0.01))
        .isCloseTo(-2.3263478740408408, within(1e-8));
  }

  @Test
  void unpairedInputFailsWithAClearMessage() {
    assertThatThrownBy(
            () -> PairedTests.mcNemarAccuracy(new int[] {0, 1}, new int[] {0, 1}, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same examples");
    assertThatThrownBy(
            () ->
                PairedTests.bootstrapMacroF1(
                    new int[] {0, 1}, new int[] {0, 1}, new int[] {0, 5}, 2, 10, 1, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference[1] = 5 is not a class index");
    assertThatThrownBy(
            () ->
                PairedTests.bootstrapMacroF1(
                    new int[] {0, 1}, new int[] {0, 1}, new int[] {0, 1}, 2, 0, 1, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resamples must be at least 1");
  }
}
