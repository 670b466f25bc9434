package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.MISSING;
import static io.streamtune.preprocess.core.Rows.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.preprocess.TestSpecs;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TabularStatisticsTest {

  private final TabularLayout layout = TabularLayout.of(TestSpecs.credit());

  @Test
  void emptyStatisticsHaveZeroMeanAndNoMode() {
    TabularStatistics statistics = TabularStatistics.empty(layout);

    assertThat(statistics.version()).isZero();
    assertThat(statistics.count(0)).isZero();
    assertThat(statistics.mean(0)).isZero();
    assertThat(statistics.std(0)).isZero();
    assertThat(statistics.modeIndex(0)).isZero();
  }

  @Test
  void meanAndPopulationStdOfAClassicSample() {
    TabularStatistics statistics = TabularStatistics.empty(layout);
    double[] incomes = {2, 4, 4, 4, 5, 5, 7, 9};
    for (int i = 0; i < incomes.length; i++) {
      statistics.fit(train("r" + i, incomes[i], MISSING, null), layout);
    }

    assertThat(statistics.version()).isEqualTo(8);
    assertThat(statistics.count(0)).isEqualTo(8);
    assertThat(statistics.mean(0)).isEqualTo(5.0);
    assertThat(statistics.variance(0)).isEqualTo(4.0);
    assertThat(statistics.std(0)).isEqualTo(2.0);
  }

  @Test
  void missingValuesCountTowardsTheVersionButNotTheColumn() {
    TabularStatistics statistics = TabularStatistics.empty(layout);
    statistics.fit(train("a", 10, MISSING, "rent"), layout);
    statistics.fit(train("b", MISSING, 30, null), layout);
    statistics.fit(train("c", 20, MISSING, "rent"), layout);

    assertThat(statistics.version()).isEqualTo(3);
    assertThat(statistics.count(0)).isEqualTo(2);
    assertThat(statistics.mean(0)).isEqualTo(15.0);
    assertThat(statistics.count(1)).isEqualTo(1);
    assertThat(statistics.mean(1)).isEqualTo(30.0);
    assertThat(statistics.categoryCount(0, 1)).isEqualTo(2);
  }

  @Test
  void welfordAgreesWithTwoPassOnLargeOffsetData() {
    TabularStatistics statistics = TabularStatistics.empty(layout);
    Random random = new Random(7);
    double[] values = new double[5000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1e9 + random.nextGaussian() * 3;
      statistics.fit(train("r" + i, values[i], MISSING, null), layout);
    }
    double mean = 0;
    for (double v : values) {
      mean += v / values.length;
    }
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }

    assertThat(statistics.mean(0)).isCloseTo(mean, within(1e-6));
    assertThat(statistics.variance(0)).isCloseTo(squares / values.length, within(1e-6));
    assertThat(statistics.std(0)).isCloseTo(3.0, within(0.1));
  }

  @Test
  void modeIsTheMostFrequentSpecCategoryTiesGoFirstUnseenNeverWins() {
    TabularStatistics statistics = TabularStatistics.empty(layout);
    statistics.fit(train("a", MISSING, MISSING, "rent"), layout);
    assertThat(statistics.modeIndex(0)).isEqualTo(1);

    statistics.fit(train("b", MISSING, MISSING, "owner"), layout);
    assertThat(statistics.modeIndex(0)).as("tie goes to the first spec category").isZero();

    for (String id : new String[] {"c", "d", "e"}) {
      statistics.fit(train(id, MISSING, MISSING, "castle"), layout);
    }
    assertThat(statistics.categoryCount(0, 2)).as("unseen slot").isEqualTo(3);
    assertThat(statistics.modeIndex(0)).isZero();
  }
}
