package io.streamtune.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.spec.TrainerSpec;
import org.junit.jupiter.api.Test;

class WarmRoundPolicyTest {

  private static final WarmRoundPolicy POLICY = new WarmRoundPolicy(2.0, 0.3, 0.5);

  @Test
  void aColdRoundTrainsAllEpochsAtTheFullRateWithoutAveraging() {
    RoundPlan plan = POLICY.plan(false, 40, 4_000);
    assertThat(plan.warm()).isFalse();
    assertThat(plan.newShare()).isEqualTo(0.01);
    assertThat(plan.budgetShare()).isEqualTo(1.0);
    assertThat(plan.lrFactor()).isEqualTo(1.0);
    assertThat(plan.emaDecay()).isZero();
    assertThat(plan.steps(1_250)).isEqualTo(1_250);
  }

  @Test
  void aWarmRoundsBudgetIsItsNewShareTimesTheScalingOfAFullRound() {
    // 100 new of 10,000: 1% x 2 = 2% of a full round's 3,125 steps (20 epochs x 157 steps)
    RoundPlan plan = POLICY.plan(true, 100, 10_000);
    assertThat(plan.warm()).isTrue();
    assertThat(plan.newShare()).isEqualTo(0.01);
    assertThat(plan.budgetShare()).isCloseTo(0.02, within(1e-12));
    assertThat(plan.steps(3_140)).isEqualTo(63); // ceil(62.8)
    assertThat(plan.steps(3_150)).isEqualTo(63); // exactly 63: no extra step from rounding
    // the previous version knew 99% of the buffer: the rate is 99% of the way down to 0.3 and
    // the previous version keeps 0.5 x 0.99 of the average
    assertThat(plan.lrFactor()).isCloseTo(0.307, within(1e-12));
    assertThat(plan.emaDecay()).isCloseTo(0.495, within(1e-12));
  }

  @Test
  void theBudgetIsAtLeastOneStepAndAtMostAFullRound() {
    assertThat(POLICY.plan(true, 0, 500).steps(200)).isEqualTo(1);
    assertThat(POLICY.plan(true, 0, 500).emaDecay()).isEqualTo(0.5);
    assertThat(POLICY.plan(true, 0, 500).lrFactor()).isCloseTo(0.3, within(1e-12));
    // more new examples than the buffer holds (the rest were evicted again): share 1, a full round
    RoundPlan flooded = POLICY.plan(true, 900, 500);
    assertThat(flooded.newShare()).isEqualTo(1.0);
    assertThat(flooded.steps(200)).isEqualTo(200);
    assertThat(flooded.emaDecay()).isZero();
    assertThat(flooded.lrFactor()).isEqualTo(1.0); // a buffer of new examples: like a first round
    assertThat(POLICY.plan(true, 300, 500).steps(200)).isEqualTo(200); // 60% x 2 capped
  }

  @Test
  void scalingZeroGivesEveryRoundAllEpochsAndOffIsTheBehaviourBefore() {
    RoundPlan allEpochs = new WarmRoundPolicy(0, 0.5, 0.2).plan(true, 10, 1_000);
    assertThat(allEpochs.steps(400)).isEqualTo(400);
    assertThat(allEpochs.lrFactor()).isCloseTo(0.505, within(1e-12));
    RoundPlan before = WarmRoundPolicy.OFF.plan(true, 10, 1_000);
    assertThat(before.steps(400)).isEqualTo(400);
    assertThat(before.lrFactor()).isEqualTo(1.0);
    assertThat(before.emaDecay()).isZero();
  }

  @Test
  void readsTheSpecKeys() {
    TrainerSpec spec =
        TrainerSpec.defaults()
            .with(TrainerSpec.WARM_ROUND_SCALING, 3.0)
            .with(TrainerSpec.WARM_LR_FACTOR, 0.25)
            .with(TrainerSpec.WARM_EMA, 0.8);
    assertThat(WarmRoundPolicy.from(spec)).isEqualTo(new WarmRoundPolicy(3.0, 0.25, 0.8));
    assertThat(WarmRoundPolicy.from(TrainerSpec.defaults()))
        .isEqualTo(
            new WarmRoundPolicy(
                TrainerSpec.WARM_ROUND_SCALING.defaultValue(),
                TrainerSpec.WARM_LR_FACTOR.defaultValue(),
                TrainerSpec.WARM_EMA.defaultValue()));
  }

  @Test
  void refusesValuesOutsideTheirRanges() {
    assertThatThrownBy(() -> new WarmRoundPolicy(-1, 0.3, 0.5)).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new WarmRoundPolicy(1, 0, 0.5)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new WarmRoundPolicy(1, 0.3, 1)).hasMessageContaining("[0, 1)");
    assertThatThrownBy(() -> POLICY.plan(true, 5, 0)).hasMessageContaining("non-empty buffer");
    assertThatThrownBy(() -> POLICY.plan(true, -1, 10)).hasMessageContaining(">= 0, got -1");
    assertThatThrownBy(() -> POLICY.plan(true, 1, 10).steps(0)).hasMessageContaining("one step");
    assertThatThrownBy(() -> new RoundPlan(true, 0.5, 1.5, 1, 0))
        .hasMessageContaining("budget share");
  }
}
