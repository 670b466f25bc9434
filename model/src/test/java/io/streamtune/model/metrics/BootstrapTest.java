package io.streamtune.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  /** {@code n} labels of {@code classes} classes and predictions right with {@code rate}. */
  static int[][] predictions(int n, int classes, double rate, long seed) {
    Random random = new Random(seed);
    int[] actual = new int[n];
    int[] predicted = new int[n];
    for (int i = 0; i < n; i++) {
      actual[i] = random.nextInt(classes);
      predicted[i] =
          random.nextDouble() < rate
              ? actual[i]
              : (actual[i] + 1 + random.nextInt(classes - 1)) % classes;
    }
    return new int[][] {actual, predicted};
  }

  @Test
  void sameSeedGivesTheSameIntervalWhateverRanBefore() {
    int[][] data = predictions(300, 3, 0.8, 1);
    Bootstrap bootstrap = new Bootstrap(500, 42);
    Interval first = bootstrap.macroF1(data[0], data[1], 3, 0.95);
    bootstrap.accuracy(data[0], data[1], 0.9);
    assertThat(new Bootstrap(500, 42).macroF1(data[0], data[1], 3, 0.95)).isEqualTo(first);
    assertThat(new Bootstrap(500, 43).macroF1(data[0], data[1], 3, 0.95)).isNotEqualTo(first);
    assertThat(first.level()).isEqualTo(0.95);
    assertThat(first.contains(ClassificationMetrics.macroF1(data[0], data[1], 3))).isTrue();
  }

  @Test
  void oneResampleScoresExactlyTheDrawnExamplesAsClassificationMetricsDoes() {
    int[][] data = predictions(50, 4, 0.6, 2);
    // the same draws as Bootstrap: n indexes from SplittableRandom(seed)
    SplittableRandom random = new SplittableRandom(7);
    int[] actual = new int[50];
    int[] predicted = new int[50];
    for (int j = 0; j < 50; j++) {
      int i = random.nextInt(50);
      actual[j] = data[0][i];
      predicted[j] = data[1][i];
    }
    double expected = ClassificationMetrics.macroF1(actual, predicted, 4);

    Interval interval = new Bootstrap(1, 7).macroF1(data[0], data[1], 4, 0.95);

    assertThat(interval.low()).isEqualTo(expected);
    assertThat(interval.high()).isEqualTo(expected);
    double accuracy =
        ClassificationMetrics.compute(actual, predicted, java.util.List.of("a", "b", "c", "d"))
            .accuracy();
    assertThat(new Bootstrap(1, 7).accuracy(data[0], data[1], 0.95).low()).isEqualTo(accuracy);
  }

  @Test
  void accuracyIntervalHasTheBinomialWidth() {
    // 1.96 · sqrt(0.8 · 0.2 / 2000) = 0.0175 each side
    int[][] data = predictions(2000, 2, 0.8, 3);
    double accuracy =
        ClassificationMetrics.compute(data[0], data[1], java.util.List.of("a", "b")).accuracy();

    Interval interval =
        new Bootstrap(Bootstrap.DEFAULT_RESAMPLES, 5).accuracy(data[0], data[1], 0.95);

    double halfWidth = 1.96 * Math.sqrt(accuracy * (1 - accuracy) / 2000);
    assertThat(interval.high() - interval.low()).isCloseTo(2 * halfWidth, within(0.2 * halfWidth));
    assertThat((interval.low() + interval.high()) / 2).isCloseTo(accuracy, within(0.004));
  }

  @Test
  void ninetyFivePercentIntervalsCoverTheTrueAccuracyAboutNinetyFivePercentOfTheTime() {
    int covered = 0;
    int trials = 200;
    for (int t = 0; t < trials; t++) {
      int[][] data = predictions(200, 2, 0.8, 100 + t);
      if (new Bootstrap(400, t).accuracy(data[0], data[1], 0.95).contains(0.8)) {
        covered++;
      }
    }
    // binomial(200, 0.95): mean 190, sd 3.1; the percentile interval runs a little narrow
    assertThat(covered).isBetween(178, 198);
  }

  @Test
  void oneDrawServesTheIntervalsAndThePairedBootstrap() {
    int[][] data = predictions(400, 3, 0.8, 3);
    int[] reference = predictions(400, 3, 0.7, 3)[1];
    Bootstrap bootstrap = new Bootstrap(300, 11);

    Bootstrap.Draws draws = bootstrap.draw(data[0], data[1], reference, 3);

    assertThat(draws.accuracyInterval(0.9)).isEqualTo(bootstrap.accuracy(data[0], data[1], 0.9));
    assertThat(draws.macroF1Interval(0.95)).isEqualTo(bootstrap.macroF1(data[0], data[1], 3, 0.95));
    assertThat(draws.macroF1Interval(0.95))
        .as("reading an interval leaves the draws as they were")
        .isEqualTo(draws.macroF1Interval(0.95));
    double observed =
        ClassificationMetrics.macroF1(data[0], data[1], 3)
            - ClassificationMetrics.macroF1(data[0], reference, 3);
    assertThat(PairedTests.bootstrapMacroF1(observed, draws, 0.95, 0))
        .isEqualTo(PairedTests.bootstrapMacroF1(data[0], data[1], reference, 3, 300, 11, 0.95));
    assertThat(bootstrap.draw(data[0], data[1], null, 3).macroF1Differences()).isNull();
    assertThatThrownBy(
            () ->
                PairedTests.bootstrapMacroF1(
                    observed, bootstrap.draw(data[0], data[1], null, 3), 0.95, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without a reference");
  }

  @Test
  void perfectPredictionsHaveADegenerateInterval() {
    int[] labels = {0, 1, 2, 1, 0, 2, 2};
    Bootstrap bootstrap = new Bootstrap(100, 1);
    assertThat(bootstrap.accuracy(labels, labels, 0.95)).isEqualTo(new Interval(1, 1, 0.95));
    // a resample may miss a class: it then scores 0 for that class, as ClassificationMetrics does
    assertThat(bootstrap.macroF1(labels, labels, 3, 0.95).high()).isEqualTo(1.0);
  }

  @Test
  void typeSevenQuantiles() {
    double[] sorted = {1, 2, 3, 4, 5};
    assertThat(Bootstrap.quantile(sorted, 0.0)).isEqualTo(1.0);
    assertThat(Bootstrap.quantile(sorted, 0.5)).isEqualTo(3.0);
    assertThat(Bootstrap.quantile(sorted, 0.975)).isCloseTo(4.9, within(1e-12)); // numpy: 4.9
    assertThat(Bootstrap.quantile(sorted, 1.0)).isEqualTo(5.0);
  }

  @Test
  void badInputFailsWithAClearMessage() {
    int[] three = {0, 1, 1};
    assertThatThrownBy(() -> new Bootstrap(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resamples must be at least 1");
    Bootstrap bootstrap = new Bootstrap(10, 1);
    assertThatThrownBy(() -> bootstrap.accuracy(three, three, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("confidence level must be in (0, 1)");
    assertThatThrownBy(() -> bootstrap.accuracy(three, new int[] {0, 1}, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length");
    assertThatThrownBy(() -> bootstrap.macroF1(three, new int[] {0, 1, 2}, 2, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("predicted[2] = 2 is not a class index");
    assertThatThrownBy(() -> bootstrap.accuracy(new int[0], new int[0], 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero examples");
  }
}
