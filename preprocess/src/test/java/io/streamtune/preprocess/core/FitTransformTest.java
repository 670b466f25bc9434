package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.MISSING;
import static io.streamtune.preprocess.core.Rows.holdout;
import static io.streamtune.preprocess.core.Rows.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FitTransformTest {

  private final FitTransform fitTransform = new FitTransform(TestSpecs.credit());

  @Test
  void trainRowsFitFirstThenTransformHoldoutRowsNeverFit() {
    TabularStatistics statistics = fitTransform.emptyStatistics();

    Example first = fitTransform.apply(train("r1", 100, MISSING, "rent"), statistics);
    // Income: one value, std 0 counts as 1 -> 0; Age: nothing seen yet -> 0
    assertThat(first.getFeatures()).containsExactly(0f, 0f, 0f, 1f, 0f);
    assertThat(first.getTransformVersion()).isEqualTo(1);

    Example second = fitTransform.apply(train("r2", 200, 30, "owner"), statistics);
    // Income mean 150 std 50 -> 1; Age one value -> 0
    assertThat(second.getFeatures()).containsExactly(1f, 0f, 1f, 0f, 0f);
    assertThat(second.getTransformVersion()).isEqualTo(2);

    Example third = fitTransform.apply(train("r3", MISSING, 50, null), statistics);
    // Income imputed with 150 -> 0; Age mean 40 std 10 -> 1; Home tie -> first category owner
    assertThat(third.getFeatures()).containsExactly(0f, 1f, 1f, 0f, 0f);
    assertThat(third.getTransformVersion()).isEqualTo(3);

    TabularStatistics before = copy(statistics);
    Example held = fitTransform.apply(holdout("h1", 250, MISSING, "castle"), statistics);
    assertThat(held.getFeatures()).containsExactly(2f, 0f, 0f, 0f, 1f);
    assertThat(held.getTransformVersion()).isEqualTo(3);
    assertThat(statistics).as("holdout never updates statistics").isEqualTo(before);
  }

  @Test
  void exampleCarriesTheRowsIdentityLabelAndSplit() {
    Example example =
        fitTransform.apply(
            new io.streamtune.preprocess.core.ValidatedRow(
                "id-9",
                1_234L,
                "bad",
                1,
                new double[] {1, 2},
                new String[] {"rent"},
                Split.HOLDOUT),
            fitTransform.emptyStatistics());

    assertThat(example.getId()).isEqualTo("id-9");
    assertThat(example.getSourceId()).isEqualTo("id-9");
    assertThat(example.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_234L));
    assertThat(example.getSplit()).isEqualTo(Split.HOLDOUT);
    assertThat(example.getLabel()).isEqualTo("bad");
    assertThat(example.getLabelIndex()).isEqualTo(1);
    assertThat(example.getAugmentedFrom()).isNull();
    assertThat(example.getSynthetic()).isFalse();
    assertThat(example.getParentIds()).isEmpty();
    assertThat(example.getTransformVersion()).isZero();
  }

  @Test
  void unsplitRowIsRefused() {
    assertThatThrownBy(
            () ->
                fitTransform.apply(
                    Rows.row("x", null, 1, 1, "rent"), fitTransform.emptyStatistics()))
        .hasMessageContaining("not been split");
  }

  private static TabularStatistics copy(TabularStatistics s) {
    TabularStatistics copy = new TabularStatistics();
    copy.setVersion(s.getVersion());
    copy.setNumericCounts(s.getNumericCounts().clone());
    copy.setNumericMeans(s.getNumericMeans().clone());
    copy.setNumericSquaredDeviations(s.getNumericSquaredDeviations().clone());
    long[][] counts = new long[s.getCategoryCounts().length][];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = s.getCategoryCounts()[i].clone();
    }
    copy.setCategoryCounts(counts);
    return copy;
  }
}
