package io.streamtune.preprocess.core.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.core.PreparedRow;
import io.streamtune.preprocess.core.TabularLayout;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.core.steps.ReferenceProfile.FeatureReference;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training reference a transform keeps for monitors of the served inputs. */
class ReferenceProfileTest {

  private static final PipelineSpec SPEC = TestSpecs.credit();

  /** Income 0..999 (every tenth missing), Age constant, Home owner 3 : rent 1 : unseen/missing. */
  private static List<ValidatedRow> rows(Split split, int n) {
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double income = i % 10 == 9 ? Double.NaN : i;
      String home =
          switch (i % 8) {
            case 0, 1, 2, 3, 4, 5 -> "owner";
            case 6 -> "rent";
            default -> i % 16 == 7 ? "boat" : null;
          };
      rows.add(
          new ValidatedRow(
              "r" + i,
              0L,
              "good",
              0,
              new double[] {income, 30},
              new String[] {home},
              split,
              null,
              null,
              null));
    }
    return rows;
  }

  @Test
  void numericColumnsHaveTenBinsAtTheirDecilesAndCategoricalOnesTheirShares() {
    TabularTransform transform =
        TabularTransform.prepareBatch(SPEC, rows(Split.TRAIN, 1000), row -> true).pipeline();
    ReferenceProfile profile = transform.reference().orElseThrow();
    assertThat(profile.rows()).isEqualTo(1000);
    List<FeatureReference> features = profile.features();
    assertThat(features)
        .extracting(FeatureReference::name)
        .containsExactly("Income", "Age", "Home");

    FeatureReference income = features.get(0);
    assertThat(income.numeric()).isTrue();
    assertThat(income.bins()).isEqualTo(ReferenceProfile.BINS + 1);
    assertThat(income.expected()[ReferenceProfile.BINS]).isEqualTo(0.1); // missing, exact
    for (int b = 0; b < ReferenceProfile.BINS; b++) {
      // 900 values spread evenly: 9 % of the rows per decile bin, within the sketch's error
      assertThat(income.expected()[b]).as("bin " + b).isCloseTo(0.09, within(0.02));
    }
    assertThat(income.edges()[4]).isCloseTo(500, within(30.0));
    assertThat(sum(income.expected())).isCloseTo(1.0, within(1e-9));

    // a constant column: every value lands in one bin, and the served value does too
    FeatureReference age = features.get(1);
    TabularLayout layout = TabularLayout.of(SPEC);
    ValidatedRow served =
        new ValidatedRow(
            "s", 0, "", -1, new double[] {12, 30}, new String[] {"rent"}, null, null, null, null);
    assertThat(age.edges()).containsExactly(30.0);
    assertThat(age.expected()[age.bin(layout, served)]).isEqualTo(1.0);

    FeatureReference home = features.get(2);
    assertThat(home.numeric()).isFalse();
    // owner, rent, unseen, missing
    assertThat(home.expected()).containsExactly(0.75, 0.125, 0.063, 0.062);
    assertThat(home.bin(layout, served)).isEqualTo(1);
    ValidatedRow unseen =
        new ValidatedRow(
            "u",
            0,
            "",
            -1,
            new double[] {Double.NaN, 30},
            new String[] {"x"},
            null,
            null,
            null,
            null);
    assertThat(home.bin(layout, unseen)).isEqualTo(2);
    assertThat(income.bin(layout, unseen)).isEqualTo(ReferenceProfile.BINS);
  }

  @Test
  void onlyTrainingRowsWhileNotFrozenAreProfiledAndTheProfileSurvivesJson() {
    TabularTransform transform =
        TabularTransform.create(
            TestSpecs.credit(
                """
        preprocess:
          freezeAfter: 100
        """));
    for (ValidatedRow row : rows(Split.HOLDOUT, 50)) {
      transform.accept(row);
    }
    for (ValidatedRow row : rows(Split.TRAIN, 300)) {
      List<Outcome<PreparedRow>> outcomes = transform.accept(row);
      assertThat(outcomes).isNotEmpty();
    }
    ReferenceProfile profile = transform.reference().orElseThrow();
    assertThat(profile.rows()).isEqualTo(100);

    TabularTransform loaded = TabularTransform.fromJson(transform.toJson());
    assertThat(loaded.reference().orElseThrow().features()).isEqualTo(profile.features());
    assertThat(loaded.toJson()).isEqualTo(transform.toJson());

    // JSON written before references existed loads without one
    ObjectNode old = transform.toJsonTree();
    old.remove("reference");
    assertThat(TabularTransform.fromJson(old.toString()).reference()).isEmpty();
  }

  private static double sum(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum;
  }
}
