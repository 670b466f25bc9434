package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.evaluator.ChampionGate.Champion;
import io.streamtune.evaluator.ChampionGate.Decision;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChampionGateTest {

  @Test
  void firstVersionIsPromotedWhenItBeatsTheMajorityBaseline() {
    Decision decision = new ChampionGate(0.02).decide(1, 0.61, 0.33, Optional.empty());

    assertThat(decision.promoted()).isTrue();
    assertThat(decision.championVersion()).isNull();
    assertThat(decision.reason())
        .isEqualTo("macro F1 0.6100 > majority baseline 0.3300 (no champion yet)");
  }

  @Test
  void firstVersionNoBetterThanTheBaselineIsNotPromoted() {
    ChampionGate gate = new ChampionGate(0.0);

    Decision equal = gate.decide(1, 0.25, 0.25, Optional.empty());
    Decision worse = gate.decide(1, 0.20, 0.25, Optional.empty());

    assertThat(equal.promoted()).isFalse();
    assertThat(worse.promoted()).isFalse();
    assertThat(worse.reason())
        .isEqualTo("macro F1 0.2000 <= majority baseline 0.2500 (no champion yet)");
  }

  @Test
  void laterVersionIsPromotedWhenItGainsAtLeastTheMinimumOverTheChampion() {
    ChampionGate gate = new ChampionGate(0.0);

    Decision decision = gate.decide(3, 0.71, 0.30, Optional.of(new Champion(2, 0.69)));

    assertThat(decision.promoted()).isTrue();
    assertThat(decision.championVersion()).isEqualTo(2);
    assertThat(decision.reason()).isEqualTo("macro F1 0.7100 >= champion v2 0.6900 + 0.0000");
  }

  @Test
  void laterVersionBelowChampionPlusGainIsNotPromoted() {
    ChampionGate gate = new ChampionGate(0.05);

    Decision decision = gate.decide(3, 0.73, 0.30, Optional.of(new Champion(2, 0.69)));

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.reason()).isEqualTo("macro F1 0.7300 < champion v2 0.6900 + 0.0500");
  }

  @Test
  void exactlyTheRequiredGainPromotesDespiteFloatingPointRounding() {
    // 0.1 + 0.2 = 0.30000000000000004 > 0.3 in doubles
    Decision decision =
        new ChampionGate(0.2).decide(2, 0.3, 0.0, Optional.of(new Champion(1, 0.1)));

    assertThat(decision.promoted()).isTrue();
  }

  @Test
  void equalScoreIsPromotedWithZeroGain() {
    Decision decision =
        new ChampionGate(0.0).decide(4, 0.5, 0.2, Optional.of(new Champion(3, 0.5)));
    assertThat(decision.promoted()).isTrue();
  }

  @Test
  void versionNotNewerThanTheChampionIsNeverPromoted() {
    Decision decision =
        new ChampionGate(0.0).decide(2, 0.99, 0.2, Optional.of(new Champion(3, 0.5)));

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.championVersion()).isEqualTo(3);
    assertThat(decision.reason()).contains("not newer than champion v3");
  }
}
