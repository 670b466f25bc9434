package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.evaluator.VersionEvaluator.Evaluated;
import io.streamtune.evaluator.VersionEvaluator.Result;
import io.streamtune.evaluator.VersionEvaluator.Skipped;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.EvaluatorSpec;
import io.streamtune.spec.GateSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** Scoring and gating with rule-based stand-in models (no DJL): threshold one feature. */
class VersionEvaluatorTest {

  private static final List<String> LABELS = List.of("no", "yes");
  private static final String TOPIC = "holdout";
  private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

  private final Map<String, ScoringModel> models = new HashMap<>();
  private final VersionEvaluator evaluator =
      new VersionEvaluator(
          this::load,
          // these holdouts are tiny: a paired test decides even on a few examples here
          EvaluatorSpec.defaults()
              .with(EvaluatorSpec.GATE, GateSpec.defaults().with(GateSpec.MIN_HOLDOUT, 1)),
          Clock.fixed(NOW, ZoneOffset.UTC));
  private int loads;

  private ScoringModel load(ModelVersion version) {
    loads++;
    ScoringModel model = models.get(version.getStorePath());
    if (model == null) {
      throw new IllegalStateException(
          "model version directory does not exist: " + version.getStorePath());
    }
    return model;
  }

  /** Predicts "yes" when feature 0 exceeds the threshold. */
  private void threshold(String path, double threshold) {
    rule(path, LABELS, 2, row -> row[0] > threshold ? 1 : 0);
  }

  private void rule(String path, List<String> labels, int width, ToIntFunction<float[]> rule) {
    models.put(
        path,
        new ScoringModel() {
          @Override
          public List<String> labels() {
            return labels;
          }

          @Override
          public int featureCount() {
            return width;
          }

          @Override
          public float[][] probabilities(ScoringInputs inputs) {
            float[][] out = new float[inputs.size()][labels.size()];
            for (int i = 0; i < inputs.size(); i++) {
              out[i][rule.applyAsInt(inputs.features()[i])] = 1f;
            }
            return out;
          }

          @Override
          public void close() {}
        });
  }

  /** Label "yes" exactly when feature 0 is above 0.5; feature 0 takes the given values. */
  private static HoldoutSet holdout(float... x) {
    HoldoutSet holdout = new HoldoutSet(1000);
    for (int i = 0; i < x.length; i++) {
      add(holdout, "e" + i, x[i], i);
    }
    return holdout;
  }

  private static void add(HoldoutSet holdout, String id, float x, long offset) {
    int label = x > 0.5 ? 1 : 0;
    holdout.add(id, LABELS.get(label), label, new float[] {x, 0f}, 0, TOPIC, 0, offset);
  }

  @Test
  void firstVersionIsScoredOnTheHoldoutAndPromotedOverTheBaseline() {
    // truth: yes iff x > 0.5; the model says yes iff x > 0.25: x=0.3,0.4 are false positives
    threshold("/store/m/v1", 0.25);
    HoldoutSet holdout = holdout(0.1f, 0.2f, 0.3f, 0.4f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f, 0.05f);

    Result result = evaluator.evaluate(version(1, "/store/m/v1"), holdout.snapshot());

    Evaluated evaluated = (Evaluated) result;
    ClassificationMetrics expected =
        ClassificationMetrics.compute(
            new int[] {0, 0, 0, 0, 1, 1, 1, 1, 1, 0},
            new int[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 0},
            LABELS);
    EvaluationReport report = evaluated.report();
    assertThat(report.getHoldoutSize()).isEqualTo(10);
    assertThat(report.getAccuracy()).isEqualTo(0.8);
    assertThat(report.getMacroF1()).isEqualTo(expected.macroF1());
    assertThat(report.getConfusionMatrix()).containsExactly(List.of(3L, 2L), List.of(0L, 5L));
    assertThat(report.getEvaluatedAt()).isEqualTo(NOW);
    assertThat(report.getPromoted()).isTrue();
    assertThat(report.getChampionVersion()).isNull();
    assertThat(report.getGateReason()).contains("majority baseline");
    assertThat(evaluated.promoted()).hasValueSatisfying(v -> assertThat(v.getVersion()).isOne());
    assertThat(evaluator.championVersion("m")).hasValue(1);
  }

  @Test
  void worseVersionIsReportedButNotPromoted() {
    threshold("/store/m/v1", 0.5);
    threshold("/store/m/v2", 0.85);
    HoldoutSet holdout = holdout(0.1f, 0.2f, 0.6f, 0.7f, 0.9f);
    evaluator.evaluate(version(1, "/store/m/v1"), holdout.snapshot());

    Evaluated second =
        (Evaluated) evaluator.evaluate(version(2, "/store/m/v2"), holdout.snapshot());

    assertThat(second.report().getPromoted()).isFalse();
    assertThat(second.report().getChampionVersion()).isEqualTo(1);
    assertThat(second.report().getGateReason())
        .startsWith("paired-bootstrap-macro-f1 vs champion v1 on 5 examples: difference -0.4167")
        .endsWith("not significantly better, the champion stays");
    assertThat(second.report().getChampionMacroF1()).isEqualTo(1.0);
    assertThat(second.report().getGateDifference())
        .isEqualTo(second.metrics().macroF1() - 1.0)
        .isNegative();
    assertThat(second.promoted()).isEmpty();
    assertThat(evaluator.championVersion("m")).hasValue(1);
  }

  @Test
  void championIsReScoredWhenTheHoldoutChanged() {
    threshold("/store/m/v1", 0.5); // perfect on the first holdout
    HoldoutSet holdout = holdout(0.1f, 0.9f);
    evaluator.evaluate(version(1, "/store/m/v1"), holdout.snapshot());
    // relabelled world: new examples where "yes" starts at 0.3, which v1 gets wrong
    for (int i = 0; i < 4; i++) {
      holdout.add("n" + i, "yes", 1, new float[] {0.35f + i * 0.03f, 0f}, 0, TOPIC, 0, 10 + i);
    }
    threshold("/store/m/v2", 0.3);
    int loadsBefore = loads;

    Evaluated second =
        (Evaluated) evaluator.evaluate(version(2, "/store/m/v2"), holdout.snapshot());

    // v1 on the new holdout: 1 tp of 5 yes, 1 tn -> not 1.0 any more; v2 is perfect
    assertThat(loads - loadsBefore).isEqualTo(2); // the challenger and the champion
    assertThat(second.metrics().macroF1()).isEqualTo(1.0);
    assertThat(second.report().getPromoted()).isTrue();
    double championOnNewHoldout =
        ClassificationMetrics.compute(
                new int[] {0, 1, 1, 1, 1, 1}, new int[] {0, 1, 0, 0, 0, 0}, LABELS)
            .macroF1();
    assertThat(second.report().getChampionMacroF1()).isEqualTo(championOnNewHoldout);
    assertThat(second.report().getGateReason())
        .startsWith(
            String.format(
                java.util.Locale.ROOT,
                "paired-bootstrap-macro-f1 vs champion v1 on 6 examples: difference %+.4f",
                1.0 - championOnNewHoldout))
        .endsWith("significantly better, promoted");
  }

  @Test
  void championIsNotReloadedWhileTheHoldoutIsUnchanged() {
    threshold("/store/m/v1", 0.5);
    threshold("/store/m/v2", 0.5);
    HoldoutSet holdout = holdout(0.1f, 0.9f);
    evaluator.evaluate(version(1, "/store/m/v1"), holdout.snapshot());
    int loadsBefore = loads;

    evaluator.evaluate(version(2, "/store/m/v2"), holdout.snapshot());

    assertThat(loads - loadsBefore).isEqualTo(1);
  }

  @Test
  void recoveredChampionIsScoredOnTheHoldoutBeforeTheGate() {
    threshold("/store/m/v4", 0.5);
    threshold("/store/m/v5", 0.85);
    evaluator.recoverChampion(version(4, "/store/m/v4"));

    Evaluated result =
        (Evaluated)
            evaluator.evaluate(
                version(5, "/store/m/v5"), holdout(0.1f, 0.2f, 0.6f, 0.9f).snapshot());

    assertThat(result.report().getPromoted()).isFalse();
    assertThat(result.report().getChampionMacroF1()).isEqualTo(1.0);
    assertThat(result.report().getGateReason())
        .contains("vs champion v4 on 4 examples")
        .endsWith("the champion stays");
  }

  @Test
  void aRollbackMakesTheRePromotedOlderVersionTheChampionToBeat() {
    threshold("/store/m/v4", 0.5);
    threshold("/store/m/v5", 0.25);
    threshold("/store/m/v6", 0.25);
    evaluator.recoverChampion(version(5, "/store/m/v5"));
    assertThat(evaluator.followPromotion(version(5, "/store/m/v5"))).as("already").isFalse();

    assertThat(evaluator.followPromotion(version(4, "/store/m/v4"))).isTrue();
    Evaluated result =
        (Evaluated)
            evaluator.evaluate(
                version(6, "/store/m/v6"), holdout(0.1f, 0.3f, 0.6f, 0.9f).snapshot());

    assertThat(evaluator.championVersion("m")).hasValue(4);
    assertThat(result.report().getChampionVersion()).isEqualTo(4);
    assertThat(result.report().getPromoted()).isFalse();
    assertThat(result.report().getChampionMacroF1()).isEqualTo(1.0);
    assertThat(result.report().getGateReason())
        .contains("vs champion v4 on 4 examples")
        .endsWith("the champion stays");
  }

  @Test
  void recoveredChampionThatCannotBeLoadedLeavesTheChallengerJudgedOnTheBaseline() {
    threshold("/store/m/v5", 0.5);
    evaluator.recoverChampion(version(4, "/store/m/gone"));

    Evaluated result =
        (Evaluated) evaluator.evaluate(version(5, "/store/m/v5"), holdout(0.1f, 0.9f).snapshot());

    assertThat(result.report().getPromoted()).isTrue();
    assertThat(result.report().getChampionVersion()).isEqualTo(4);
    assertThat(result.report().getGateReason())
        .startsWith("champion v4 could not be loaded (")
        .contains("/store/m/gone")
        .endsWith(
            "): judged against the majority baseline; macro F1 1.0000 > majority baseline 0.3333");
    assertThat(result.report().getGateTest()).isNull();
    assertThat(result.report().getChampionMacroF1()).isNull();
  }

  @Test
  void missingModelDirectoryIsSkippedAsAnErrorNamingThePath() {
    Result result = evaluator.evaluate(version(1, "/store/m/nope"), holdout(0.1f).snapshot());

    assertThat(result).isInstanceOf(Skipped.class);
    Skipped skipped = (Skipped) result;
    assertThat(skipped.error()).isTrue();
    assertThat(skipped.reason()).contains("m v1").contains("/store/m/nope");
    assertThat(evaluator.championVersion("m")).isEmpty();
  }

  @Test
  void featureCountDifferentFromTheHoldoutIsSkippedAsAnError() {
    threshold("/store/m/v1", 0.5);
    ModelVersion wide = version(1, "/store/m/v1");
    wide.setFeatureCount(3);

    Skipped declared = (Skipped) evaluator.evaluate(wide, holdout(0.1f).snapshot());
    assertThat(declared.error()).isTrue();
    assertThat(declared.reason()).contains("takes 3 features").contains("have 2");

    rule("/store/m/v2", LABELS, 5, row -> 0);
    Skipped loaded =
        (Skipped) evaluator.evaluate(version(2, "/store/m/v2"), holdout(0.1f).snapshot());
    assertThat(loaded.reason()).contains("takes 5 features");
  }

  @Test
  void holdoutLabelUnknownToTheModelIsSkippedAsAnError() {
    rule("/store/m/v1", List.of("cat", "dog"), 2, row -> 0);

    Skipped skipped =
        (Skipped) evaluator.evaluate(version(1, "/store/m/v1"), holdout(0.1f).snapshot());

    assertThat(skipped.error()).isTrue();
    assertThat(skipped.reason()).contains("[no]").contains("[cat, dog]");
  }

  @Test
  void labelsAreMatchedByNameWhenTheModelOrdersThemDifferently() {
    // outputs in order [yes, no]: index 0 means "yes"
    rule("/store/m/v1", List.of("yes", "no"), 2, row -> row[0] > 0.5 ? 0 : 1);

    Evaluated result =
        (Evaluated)
            evaluator.evaluate(version(1, "/store/m/v1"), holdout(0.1f, 0.9f, 0.8f).snapshot());

    assertThat(result.metrics().accuracy()).isEqualTo(1.0);
    assertThat(result.report().getLabels()).containsExactly("yes", "no");
    assertThat(result.report().getPerClass().get(0).getSupport()).isEqualTo(2);
  }

  @Test
  void emptyHoldoutIsSkippedWithoutError() {
    threshold("/store/m/v1", 0.5);

    Skipped skipped = (Skipped) evaluator.evaluate(version(1, "/store/m/v1"), holdout().snapshot());

    assertThat(skipped.error()).isFalse();
    assertThat(skipped.reason()).contains("empty");
    assertThat(loads).isZero();
  }

  @Test
  void aChampionPredictingALabelTheChallengerLacksLeavesItJudgedOnTheBaseline() {
    // v1 knows a third label and answers it for low x; v2 knows only no/yes
    rule("/store/m/v1", List.of("no", "yes", "maybe"), 2, row -> row[0] < 0.15 ? 2 : 1);
    threshold("/store/m/v2", 0.5);
    HoldoutSet holdout = holdout(0.1f, 0.2f, 0.6f, 0.9f);
    evaluator.recoverChampion(version(1, "/store/m/v1"));

    Evaluated result =
        (Evaluated) evaluator.evaluate(version(2, "/store/m/v2"), holdout.snapshot());

    assertThat(result.report().getPromoted()).isTrue();
    assertThat(result.report().getChampionVersion()).isEqualTo(1);
    assertThat(result.report().getGateTest()).isNull();
    assertThat(result.report().getGateReason())
        .startsWith(
            "champion v1 predicts labels [no, yes, maybe] that m v2 does not have: judged against"
                + " the majority baseline; macro F1 1.0000 > majority baseline");
  }

  @Test
  void anOlderVersionIsNotPromotedOverAChampionThatCannotBeScored() {
    threshold("/store/m/v3", 0.5);
    evaluator.recoverChampion(version(4, "/store/m/gone"));

    Evaluated result =
        (Evaluated) evaluator.evaluate(version(3, "/store/m/v3"), holdout(0.1f, 0.9f).snapshot());

    assertThat(result.report().getPromoted()).isFalse();
    assertThat(result.report().getChampionVersion()).isEqualTo(4);
    assertThat(result.report().getGateReason())
        .startsWith("version 3 is not newer than champion v4; champion could not be loaded (")
        .contains("/store/m/gone");
    assertThat(evaluator.championVersion("m")).hasValue(4);
  }

  @Test
  void modelsAreGatedAgainstTheirOwnChampion() {
    threshold("/store/a/v1", 0.5);
    threshold("/store/b/v1", 0.85);
    HoldoutSet holdout = holdout(0.1f, 0.2f, 0.6f, 0.9f);
    evaluator.evaluate(version("a", 1, "/store/a/v1"), holdout.snapshot());

    Evaluated b =
        (Evaluated) evaluator.evaluate(version("b", 1, "/store/b/v1"), holdout.snapshot());

    assertThat(b.report().getChampionVersion()).isNull();
    assertThat(b.report().getPromoted()).isTrue(); // beats the baseline, a's champion is irrelevant
  }

  private static ModelVersion version(int version, String path) {
    return version("m", version, path);
  }

  private static ModelVersion version(String modelId, int version, String path) {
    ModelVersion v = ReportBuilderTest.modelVersion();
    v.setModelId(modelId);
    v.setVersion(version);
    v.setStorePath(path);
    v.setFeatureCount(2);
    v.setLabels(LABELS);
    return v;
  }
}
