package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.preprocess.core.TabularLayout;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.core.steps.ReferenceProfile.FeatureReference;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PSI per input column over windows of served rows, against the training reference. */
class InputDriftTest {

  private static final PipelineSpec SPEC = ServeFixtures.spec();
  private static final TabularLayout LAYOUT = TabularLayout.of(SPEC);
  private static final String[] HOMES = {"owner", "rent", "parents"};

  /** Income ~ N(mean, 100), Age uniform 20..69, Home uniform over the three categories. */
  private static ValidatedRow row(Random random, double incomeMean, String id) {
    double income = incomeMean + random.nextGaussian() * 100;
    double age = 20 + random.nextInt(50);
    // columns in spec order: numeric Income, Age; categorical Home
    return new ValidatedRow(
        id,
        0L,
        "good",
        0,
        new double[] {income, age},
        new String[] {HOMES[random.nextInt(3)]},
        Split.TRAIN,
        null,
        null,
        null);
  }

  private static List<FeatureReference> reference() {
    Random random = new Random(1);
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      rows.add(row(random, 500, "t" + i));
    }
    TabularTransform transform = TabularTransform.prepareBatch(SPEC, rows, row -> true).pipeline();
    return transform.reference().orElseThrow().features();
  }

  @Test
  void psiIsTheSumOverBinsOfTheShareDifferenceTimesTheLogRatio() {
    double[] expected = {0.5, 0.3, 0.2, 0.0};
    long[] counts = {30, 30, 40, 0};
    double direct =
        (0.3 - 0.5) * Math.log(0.3 / 0.5)
            + (0.3 - 0.3) * Math.log(0.3 / 0.3)
            + (0.4 - 0.2) * Math.log(0.4 / 0.2)
            + 0; // empty in both: floored equally, contributes nothing
    assertThat(InputDrift.psi(expected, counts)).isCloseTo(direct, within(1e-12));
    assertThat(InputDrift.psi(expected, new long[] {50, 30, 20, 0})).isCloseTo(0, within(1e-12));
    assertThat(InputDrift.psi(expected, new long[4])).isZero();
    // a bin the training never saw counts at the floor share, not as infinity
    double unseen = InputDrift.psi(new double[] {1, 0}, new long[] {1, 1});
    assertThat(unseen)
        .isCloseTo(
            (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), within(1e-12));
  }

  @Test
  void aShiftedColumnIsFlaggedOncePerWindowAndUnshiftedOnesAreNot() {
    List<FeatureReference> reference = reference();
    InputDrift drift = new InputDrift(LAYOUT, reference, 1000, 0.25);
    Random random = new Random(2);
    List<InputDrift.Alert> alerts = new ArrayList<>();
    // first window: as in training; second: income shifted up by one standard deviation
    for (int i = 0; i < 1000; i++) {
      alerts.addAll(drift.observe(row(random, 500, "a" + i)));
    }
    assertThat(alerts).isEmpty();
    for (int i = 0; i < 1000; i++) {
      List<InputDrift.Alert> raised = drift.observe(row(random, 600, "b" + i));
      assertThat(raised.isEmpty() || i == 999).isTrue();
      alerts.addAll(raised);
    }
    assertThat(alerts).hasSize(1);
    InputDrift.Alert alert = alerts.get(0);
    assertThat(alert.feature()).isEqualTo("Income");
    assertThat(alert.psi()).isGreaterThan(0.25);
    assertThat(alert.windowFrom()).isEqualTo(1001);
    assertThat(alert.windowTo()).isEqualTo(2000);
    assertThat(alert.reason()).contains("Income").contains("1001-2000");

    // the statistic is the PSI of the window's bins, recomputed here from the reference
    FeatureReference income = reference.get(0);
    Random replay = new Random(2);
    for (int i = 0; i < 1000; i++) {
      row(replay, 500, "a" + i);
    }
    long[] counts = new long[income.bins()];
    for (int i = 0; i < 1000; i++) {
      counts[income.bin(LAYOUT, row(replay, 600, "b" + i))]++;
    }
    assertThat(alert.psi()).isCloseTo(InputDrift.psi(income.expected(), counts), within(1e-12));
    // the unshifted columns stay well under the threshold
    for (FeatureReference feature : reference.subList(1, 3)) {
      long[] unshifted = new long[feature.bins()];
      Random again = new Random(2);
      for (int i = 0; i < 1000; i++) {
        row(again, 500, "a" + i);
      }
      for (int i = 0; i < 1000; i++) {
        unshifted[feature.bin(LAYOUT, row(again, 600, "b" + i))]++;
      }
      assertThat(InputDrift.psi(feature.expected(), unshifted)).as(feature.name()).isLessThan(0.05);
    }
  }

  @Test
  void aBatchNotCommittedIsTakenBack() {
    List<FeatureReference> reference = reference();
    InputDrift drift = new InputDrift(LAYOUT, reference, 10, 0.25);
    InputDrift straight = new InputDrift(LAYOUT, reference, 10, 0.25);
    List<ValidatedRow> kept = new ArrayList<>();
    Random random = new Random(3);
    for (int i = 0; i < 10; i++) {
      kept.add(row(random, 500, "x" + i));
    }
    for (ValidatedRow row : kept.subList(0, 5)) {
      drift.observe(row);
    }
    InputDrift.State before = drift.checkpoint();
    for (int i = 0; i < 9; i++) {
      drift.observe(row(random, 5000, "y" + i));
    }
    drift.restore(before);
    assertThat(drift.observed()).isEqualTo(5);
    List<InputDrift.Alert> alerts = new ArrayList<>();
    List<InputDrift.Alert> expected = new ArrayList<>();
    for (ValidatedRow row : kept.subList(5, 10)) {
      alerts.addAll(drift.observe(row));
    }
    for (ValidatedRow row : kept) {
      expected.addAll(straight.observe(row));
    }
    assertThat(drift.observed()).isEqualTo(10);
    assertThat(alerts).isEqualTo(expected);
  }
}
