package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.MISSING;
import static io.streamtune.preprocess.core.Rows.holdout;
import static io.streamtune.preprocess.core.Rows.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.spec.PipelineSpec;
import org.junit.jupiter.api.Test;

class TabularTransformerTest {

  private final PipelineSpec spec = TestSpecs.credit();
  private final TabularTransformer transformer = new TabularTransformer(spec);
  private final TabularLayout layout = transformer.layout();

  /** Income 100, 200 (mean 150, std 50); Age 30, 50 (mean 40, std 10); Home rent x2, owner x1. */
  private TabularStatistics fitted() {
    TabularStatistics statistics = TabularStatistics.empty(layout);
    statistics.fit(train("a", 100, 30, "rent"), layout);
    statistics.fit(train("b", 200, 50, "rent"), layout);
    statistics.fit(train("c", MISSING, MISSING, "owner"), layout);
    return statistics;
  }

  @Test
  void vectorFollowsFeatureNames() {
    assertThat(spec.featureNames())
        .containsExactly("Income", "Age", "Home=owner", "Home=rent", "Home=<unseen>");
    assertThat(transformer.transform(holdout("x", 1, 1, "rent"), fitted())).hasSize(5);
  }

  @Test
  void standardizesNumericsAndOneHotsCategories() {
    float[] features = transformer.transform(holdout("x", 250, 35, "owner"), fitted());

    assertThat(features).containsExactly(2f, -0.5f, 1f, 0f, 0f);
  }

  @Test
  void missingValuesBecomeMeanAndMode() {
    float[] features = transformer.transform(holdout("x", MISSING, MISSING, null), fitted());

    // the mean standardizes to 0; rent is the mode
    assertThat(features).containsExactly(0f, 0f, 0f, 1f, 0f);
  }

  @Test
  void beforeAnyValueMissingNumericsAreZeroAndCategoricalsTheFirstCategory() {
    float[] features =
        transformer.transform(
            holdout("x", MISSING, 7, null), TabularStatistics.empty(transformer.layout()));

    // no std yet counts as 1: Age stays 7 - 0
    assertThat(features).containsExactly(0f, 7f, 1f, 0f, 0f);
  }

  @Test
  void unseenCategoryGoesToTheLastSlot() {
    float[] features = transformer.transform(holdout("x", 150, 40, "castle"), fitted());

    assertThat(features).containsExactly(0f, 0f, 0f, 0f, 1f);
  }

  @Test
  void withoutScalingNumericsAreOnlyImputed() {
    TabularTransformer raw =
        new TabularTransformer(TestSpecs.credit("preprocess: {scaling: none}\n"));

    float[] features = raw.transform(holdout("x", 250, MISSING, "rent"), fitted());

    assertThat(features).containsExactly(250f, 40f, 0f, 1f, 0f);
  }

  @Test
  void withoutUnseenBucketThereIsNoSlotAndUnseenValuesAreRefused() {
    TabularTransformer strict =
        new TabularTransformer(TestSpecs.credit("preprocess: {unseenCategoryBucket: false}\n"));

    assertThat(strict.transform(holdout("x", 150, 40, "rent"), fitted()))
        .containsExactly(0f, 0f, 0f, 1f);
    assertThatThrownBy(() -> strict.transform(holdout("x", 150, 40, "castle"), fitted()))
        .hasMessageContaining("'castle'");
  }

  @Test
  void constantColumnDoesNotDivideByZero() {
    TabularStatistics statistics = TabularStatistics.empty(layout);
    statistics.fit(train("a", 5, 5, "rent"), layout);
    statistics.fit(train("b", 5, 5, "rent"), layout);

    assertThat(transformer.transform(holdout("x", 8, 5, "rent"), statistics))
        .containsExactly(3f, 0f, 0f, 1f, 0f);
  }
}
