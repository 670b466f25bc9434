package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.model.metrics.McNemar;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollbackJudgeTest {

  private final RollbackJudge judge = new RollbackJudge(0.01, 200);

  private RollbackJudge.State pairs(
      int bothRight, int championOnlyWrong, int shadowOnlyWrong, int bothWrong) {
    RollbackJudge.State state = RollbackJudge.State.start(2, 1);
    for (int i = 0; i < bothRight; i++) state = judge.add(state, true, true);
    for (int i = 0; i < championOnlyWrong; i++) state = judge.add(state, false, true);
    for (int i = 0; i < shadowOnlyWrong; i++) state = judge.add(state, true, false);
    for (int i = 0; i < bothWrong; i++) state = judge.add(state, false, false);
    return state;
  }

  @Test
  void aSignificantlyWorseChampionIsRolledBack() {
    Optional<RollbackJudge.Verdict> verdict = judge.judge(pairs(140, 40, 10, 10));

    assertThat(verdict).isPresent();
    assertThat(verdict.get().b()).isEqualTo(40);
    assertThat(verdict.get().c()).isEqualTo(10);
    assertThat(verdict.get().pValue()).isEqualTo(McNemar.pValue(40, 10)).isLessThan(0.01);
    assertThat(verdict.get().championAccuracy()).isEqualTo(150 / 200.0);
    assertThat(verdict.get().predecessorAccuracy()).isEqualTo(180 / 200.0);
    assertThat(verdict.get().reason())
        .contains("v2 to v1", "0.7500", "0.9000", "200 labelled records", "McNemar exact p");
  }

  @Test
  void anEqualOrBetterChampionIsNot() {
    assertThat(judge.judge(pairs(160, 15, 15, 10))).isEmpty();
    assertThat(judge.judge(pairs(140, 10, 40, 10))).isEmpty();
    // worse, but not significantly: p = 0.10
    assertThat(McNemar.pValue(20, 11)).isGreaterThan(0.01);
    assertThat(judge.judge(pairs(159, 20, 11, 10))).isEmpty();
  }

  @Test
  void tooFewPairsGiveNoDecision() {
    assertThat(judge.judge(pairs(100, 90, 0, 9))).isEmpty();
  }

  @Test
  void judgedOnlyAtMultiplesOfTheMinimumAndOnce() {
    assertThat(judge.judge(pairs(141, 40, 10, 10))).isEmpty(); // 201 pairs: between looks
    RollbackJudge.State state = pairs(140, 40, 10, 10);
    assertThat(judge.judge(state)).isPresent();
    assertThat(judge.judge(RollbackJudge.decided(state))).isEmpty();
  }
}
