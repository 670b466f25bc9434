package io.streamtune.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.spec.TrainerSpec.LrSchedule;
import org.junit.jupiter.api.Test;

class ScheduledLearningRateTest {

  @Test
  void constantCosineAndWarmupLinearOverARound() {
    ScheduledLearningRate constant = new ScheduledLearningRate(0.1, LrSchedule.CONSTANT, 0.1);
    constant.startRound(100);
    assertThat(constant.rateAt(0)).isEqualTo(0.1);
    assertThat(constant.rateAt(99)).isEqualTo(0.1);

    ScheduledLearningRate cosine = new ScheduledLearningRate(0.1, LrSchedule.COSINE, 0.1);
    cosine.startRound(100);
    assertThat(cosine.rateAt(0)).isCloseTo(0.1, within(1e-12));
    assertThat(cosine.rateAt(50)).isCloseTo(0.05, within(1e-12));
    assertThat(cosine.rateAt(100)).isCloseTo(0.0, within(1e-12));

    ScheduledLearningRate warmup = new ScheduledLearningRate(0.1, LrSchedule.WARMUP_LINEAR, 0.1);
    warmup.startRound(100);
    assertThat(warmup.rateAt(0)).isCloseTo(0.01, within(1e-12));
    assertThat(warmup.rateAt(9)).isCloseTo(0.1, within(1e-12));
    assertThat(warmup.rateAt(10)).isCloseTo(0.1, within(1e-12));
    assertThat(warmup.rateAt(55)).isCloseTo(0.05, within(1e-12));
    assertThat(warmup.rateAt(100)).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void aParameterFactorScalesOnlyThatParameter() {
    ScheduledLearningRate rate = new ScheduledLearningRate(0.2, LrSchedule.CONSTANT, 0);
    rate.setFactor("backbone-weight", 0.1f);
    rate.startRound(10);
    rate.setStep(3);
    assertThat(rate.getNewValue("backbone-weight", 999)).isCloseTo(0.02f, within(1e-7f));
    assertThat(rate.getNewValue("head-weight", 0)).isEqualTo(0.2f);
  }

  @Test
  void aRoundsFactorScalesTheWholeScheduleUntilTheNextRound() {
    ScheduledLearningRate rate = new ScheduledLearningRate(0.1, LrSchedule.COSINE, 0);
    rate.setFactor("backbone-weight", 0.5f);
    rate.startRound(100, 0.3);
    assertThat(rate.roundRate()).isCloseTo(0.03, within(1e-12));
    assertThat(rate.rateAt(0)).isCloseTo(0.03, within(1e-12));
    assertThat(rate.rateAt(50)).isCloseTo(0.015, within(1e-12));
    rate.setStep(0);
    assertThat(rate.getNewValue("backbone-weight", 7)).isCloseTo(0.015f, within(1e-7f));
    rate.startRound(100);
    assertThat(rate.rateAt(0)).isCloseTo(0.1, within(1e-12));
    assertThatThrownBy(() -> rate.startRound(10, 0))
        .hasMessageContaining("rate factor must be > 0, got 0");
  }
}
