package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.evaluator.ChampionGate.Challenger;
import io.streamtune.evaluator.ChampionGate.Champion;
import io.streamtune.evaluator.ChampionGate.Decision;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.PairedTests;
import io.streamtune.spec.GateSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate on fixed prediction arrays; GateOnTrainedModelsTest runs it on trained models. */
class ChampionGateTest {

  private static final List<String> LABELS = List.of("a", "b", "c");

  /** Actual class {@code i % 3} for n examples. */
  private static int[] actual(int n) {
    int[] actual = new int[n];
    for (int i = 0; i < n; i++) {
      actual[i] = i % 3;
    }
    return actual;
  }

  /**
   * Right on every example except those a hash with {@code salt} puts below {@code errorPercent}:
   * predictors with different salts err on (roughly) independent examples.
   */
  private static int[] predictor(int[] actual, int errorPercent, int salt) {
    int[] predicted = new int[actual.length];
    for (int i = 0; i < actual.length; i++) {
      boolean wrong = Math.floorMod((i + 1) * 7919L * salt + salt * 31L, 100) < errorPercent;
      predicted[i] = wrong ? (actual[i] + 1) % 3 : actual[i];
    }
    return predicted;
  }

  /** {@code predicted} with the first {@code count} wrong examples put right. */
  private static int[] fixFirst(int[] actual, int[] predicted, int count) {
    int[] fixed = predicted.clone();
    for (int i = 0; i < fixed.length && count > 0; i++) {
      if (fixed[i] != actual[i]) {
        fixed[i] = actual[i];
        count--;
      }
    }
    return fixed;
  }

  private static Challenger challenger(int version, int[] actual, int[] predicted) {
    return new Challenger(
        version, actual, predicted, ClassificationMetrics.compute(actual, predicted, LABELS));
  }

  private static ChampionGate gate(GateSpec spec) {
    return new ChampionGate(spec, 0.0, 1000, 42);
  }

  private static final ChampionGate DEFAULT = gate(GateSpec.defaults());

  @Test
  void firstVersionIsPromotedWhenItBeatsTheMajorityBaseline() {
    int[] actual = actual(30);
    Decision decision =
        DEFAULT.decide(challenger(1, actual, predictor(actual, 20, 1)), Optional.empty());

    assertThat(decision.promoted()).isTrue();
    assertThat(decision.championVersion()).isNull();
    assertThat(decision.comparison()).isNull();
    assertThat(decision.reason()).endsWith("> majority baseline 0.1667 (no champion yet)");
  }

  @Test
  void firstVersionNoBetterThanTheBaselineIsNotPromoted() {
    int[] actual = actual(30);
    int[] alwaysA = new int[30];

    Decision decision = DEFAULT.decide(challenger(1, actual, alwaysA), Optional.empty());

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.reason())
        .isEqualTo("macro F1 0.1667 <= majority baseline 0.1667 (no champion yet)");
  }

  @Test
  void absoluteThresholdsHoldWithOrWithoutAChampion() {
    int[] actual = actual(300);
    int[] good = predictor(actual, 20, 1);
    ChampionGate strict = gate(GateSpec.defaults().with(GateSpec.MIN_MACRO_F1, 0.9));

    Decision first = strict.decide(challenger(1, actual, good), Optional.empty());
    Decision later =
        strict.decide(
            challenger(2, actual, good), Optional.of(new Champion(1, predictor(actual, 60, 2))));
    Decision accuracy =
        gate(GateSpec.defaults().with(GateSpec.MIN_ACCURACY, 0.95))
            .decide(challenger(1, actual, good), Optional.empty());

    assertThat(first.promoted()).isFalse();
    assertThat(first.reason()).matches("macro F1 0\\.\\d{4} < evaluator.gate.minMacroF1 0.9");
    assertThat(later.promoted()).isFalse();
    assertThat(later.championVersion()).isEqualTo(1);
    assertThat(accuracy.promoted()).isFalse();
    assertThat(accuracy.reason()).contains("< evaluator.gate.minAccuracy 0.95");
  }

  @Test
  void identicalPredictionsAreNotPromotedOnNoise() {
    int[] actual = actual(300);
    int[] predicted = predictor(actual, 20, 1);

    Decision decision =
        DEFAULT.decide(
            challenger(2, actual, predicted), Optional.of(new Champion(1, predicted.clone())));

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.comparison().pValue()).isEqualTo(1.0);
    assertThat(decision.championMacroF1())
        .isEqualTo(ClassificationMetrics.macroF1(actual, predicted, 3));
    assertThat(decision.reason())
        .startsWith(
            "paired-bootstrap-macro-f1 vs champion v1 on 300 examples: difference +0.0000, 95%"
                + " interval [+0.0000, +0.0000], p = 1 >= α 0.05: not significantly better");
  }

  @Test
  void aFewMoreRightAnswersAreNotSignificant() {
    int[] actual = actual(300);
    int[] champion = predictor(actual, 20, 1);
    int[] challenger = fixFirst(actual, champion, 3);

    Decision decision =
        DEFAULT.decide(challenger(2, actual, challenger), Optional.of(new Champion(1, champion)));

    assertThat(decision.comparison().difference()).isPositive();
    assertThat(decision.comparison().pValue()).isGreaterThan(0.05);
    assertThat(decision.comparison().interval().contains(0)).isTrue();
    assertThat(decision.promoted()).isFalse();
    assertThat(decision.reason()).contains(">= α 0.05: not significantly better");
  }

  @Test
  void aClearlyBetterChallengerIsPromotedWithItsIntervalAndPValue() {
    int[] actual = actual(300);
    int[] champion = predictor(actual, 40, 2);
    int[] challenger = predictor(actual, 10, 1);

    Decision decision =
        DEFAULT.decide(challenger(2, actual, challenger), Optional.of(new Champion(1, champion)));

    assertThat(decision.promoted()).isTrue();
    assertThat(decision.comparison().test()).isEqualTo(PairedTests.BOOTSTRAP_MACRO_F1);
    assertThat(decision.comparison().difference())
        .isEqualTo(
            ClassificationMetrics.macroF1(actual, challenger, 3)
                - ClassificationMetrics.macroF1(actual, champion, 3))
        .isGreaterThan(0.2);
    assertThat(decision.comparison().interval().low()).isPositive();
    assertThat(decision.comparison().interval().level()).isEqualTo(0.95);
    assertThat(decision.comparison().pValue()).isLessThan(0.01);
    assertThat(decision.reason())
        .contains("paired-bootstrap-macro-f1 vs champion v1 on 300 examples: difference +0.")
        .contains("95% interval [+0.")
        .contains("p = 0.002 < α 0.05: significantly better, promoted");
  }

  @Test
  void theDeprecatedMinimumGainStillHoldsInSuperiorMode() {
    int[] actual = actual(300);
    Decision decision =
        new ChampionGate(GateSpec.defaults(), 0.5, 1000, 42)
            .decide(
                challenger(2, actual, predictor(actual, 10, 1)),
                Optional.of(new Champion(1, predictor(actual, 40, 2))));

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.reason()).contains("< evaluator.minMacroF1Gain 0.5");
  }

  @Test
  void nonInferiorModeAcceptsASmallLossWithinTheMargin() {
    int[] actual = actual(900);
    int[] champion = predictor(actual, 10, 1);
    int[] slightlyWorse = champion.clone();
    for (int i = 0; i < 6; i++) {
      slightlyWorse[i * 3] = (actual[i * 3] + 2) % 3; // 6 more errors of 900
    }
    ChampionGate nonInferior =
        gate(
            GateSpec.defaults()
                .with(GateSpec.MODE, GateSpec.Mode.NON_INFERIOR)
                .with(GateSpec.MARGIN, 0.05));

    Decision small =
        nonInferior.decide(
            challenger(2, actual, slightlyWorse), Optional.of(new Champion(1, champion)));
    Decision large =
        nonInferior.decide(
            challenger(2, actual, predictor(actual, 30, 2)),
            Optional.of(new Champion(1, champion)));

    assertThat(small.comparison().difference()).isNegative();
    assertThat(small.promoted()).isTrue();
    assertThat(small.reason()).contains("interval low > −margin 0.05: not worse, promoted");
    assertThat(large.promoted()).isFalse();
    assertThat(large.reason()).contains("may be worse, the champion stays");
  }

  @Test
  void mcNemarDecidesOnTheDiscordantPairsAtTheConfiguredAlpha() {
    // 100 examples: 10 only the challenger gets right, 2 only the champion: exact p = 0.0386
    int[] actual = actual(100);
    int[] champion = actual.clone();
    int[] challenger = actual.clone();
    for (int i = 0; i < 10; i++) {
      champion[i] = (actual[i] + 1) % 3;
    }
    for (int i = 10; i < 12; i++) {
      challenger[i] = (actual[i] + 1) % 3;
    }
    GateSpec mcNemar = GateSpec.defaults().with(GateSpec.TEST, GateSpec.Test.MCNEMAR);

    Decision at05 =
        gate(mcNemar)
            .decide(challenger(2, actual, challenger), Optional.of(new Champion(1, champion)));
    Decision at01 =
        gate(mcNemar.with(GateSpec.ALPHA, 0.01))
            .decide(challenger(2, actual, challenger), Optional.of(new Champion(1, champion)));

    assertThat(at05.comparison().test()).isEqualTo(PairedTests.MCNEMAR_ACCURACY);
    assertThat(at05.comparison().pValue()).isCloseTo(0.03857421875, within(1e-15));
    assertThat(at05.comparison().difference()).isEqualTo(0.08);
    assertThat(at05.promoted()).isTrue();
    assertThat(at05.reason()).contains("mcnemar-accuracy", "p = 0.0386 < α 0.05");
    assertThat(at01.promoted()).isFalse();
    assertThat(at01.comparison().interval().level()).isEqualTo(0.99);
    assertThat(at01.reason()).contains("99% interval", "p = 0.0386 >= α 0.01");
  }

  @Test
  void aHoldoutBelowTheMinimumKeepsTheChampion() {
    int[] actual = actual(29);
    Decision decision =
        DEFAULT.decide(
            challenger(2, actual, predictor(actual, 5, 1)),
            Optional.of(new Champion(1, predictor(actual, 50, 2))));

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.comparison()).isNull();
    assertThat(decision.championMacroF1()).isNotNull();
    assertThat(decision.reason())
        .contains("holdout of 29 examples is below evaluator.gate.minHoldout 30")
        .endsWith("the champion stays");
  }

  @Test
  void versionNotNewerThanTheChampionIsNeverPromoted() {
    int[] actual = actual(300);
    Decision decision =
        DEFAULT.decide(
            challenger(2, actual, actual.clone()),
            Optional.of(new Champion(3, predictor(actual, 50, 2))));

    assertThat(decision.promoted()).isFalse();
    assertThat(decision.championVersion()).isEqualTo(3);
    assertThat(decision.reason()).contains("not newer than champion v3");
  }

  @Test
  void aChampionThatCouldNotBeScoredLeavesTheChallengerJudgedOnTheBaselineSayingWhy() {
    int[] actual = actual(300);
    Champion gone = Champion.unscored(1, "could not be loaded (no directory /store/m/v1)");

    Decision newer =
        DEFAULT.decide(challenger(2, actual, predictor(actual, 20, 1)), Optional.of(gone));

    assertThat(newer.promoted()).isTrue();
    assertThat(newer.championVersion()).isEqualTo(1);
    assertThat(newer.comparison()).isNull();
    assertThat(newer.championMacroF1()).isNull();
    assertThat(newer.reason())
        .startsWith(
            "champion v1 could not be loaded (no directory /store/m/v1): judged against the"
                + " majority baseline; macro F1 0.")
        .contains("> majority baseline")
        .doesNotContain("no champion yet");

    int[] constant = new int[actual.length];
    Decision noBetterThanBaseline =
        DEFAULT.decide(challenger(3, actual, constant), Optional.of(gone));
    assertThat(noBetterThanBaseline.promoted()).isFalse();
    assertThat(noBetterThanBaseline.reason()).contains("<= majority baseline");

    Decision older =
        DEFAULT.decide(
            challenger(1, actual, actual.clone()),
            Optional.of(Champion.unscored(4, "could not be loaded (gone)")));
    assertThat(older.promoted()).isFalse();
    assertThat(older.reason())
        .isEqualTo("version 1 is not newer than champion v4; champion could not be loaded (gone)");
  }

  @Test
  void aChampionHasEitherPredictionsOrTheReasonItHasNone() {
    assertThatThrownBy(() -> new Champion(1, new int[] {0}, "could not be loaded"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Champion(1, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resamplesDrawnOnceByTheCallerGiveTheGatesOwnVerdict() {
    int[] actual = actual(300);
    int[] champion = predictor(actual, 30, 2);
    int[] predicted = fixFirst(actual, champion, 40);
    Challenger drawnByGate = challenger(2, actual, predicted);
    Challenger drawnOnce =
        new Challenger(
            2,
            actual,
            predicted,
            drawnByGate.metrics(),
            DEFAULT.bootstrap().draw(actual, predicted, champion, LABELS.size()));

    Decision own = DEFAULT.decide(drawnByGate, Optional.of(new Champion(1, champion)));
    Decision shared = DEFAULT.decide(drawnOnce, Optional.of(new Champion(1, champion)));

    assertThat(shared).isEqualTo(own);
    assertThat(own.comparison().test()).isEqualTo(PairedTests.BOOTSTRAP_MACRO_F1);
    assertThat(own.comparison().difference())
        .isCloseTo(
            drawnByGate.metrics().macroF1() - ClassificationMetrics.macroF1(actual, champion, 3),
            within(1e-12));
    assertThat(own.championMacroF1()).isEqualTo(ClassificationMetrics.macroF1(actual, champion, 3));
  }
}
