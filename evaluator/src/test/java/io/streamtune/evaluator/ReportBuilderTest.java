package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.schemas.avro.ClassMetrics;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {

  @Test
  void carriesMetricsVersionAndVerdict() {
    ClassificationMetrics metrics =
        ClassificationMetrics.compute(
            new int[] {0, 0, 1, 1, 1}, new int[] {0, 1, 1, 1, 0}, List.of("no", "yes"));
    ChampionGate.Decision decision = new ChampionGate.Decision(true, "because", 4);
    Instant at = Instant.parse("2025-01-02T03:04:05.678901Z");

    EvaluationReport report = ReportBuilder.build(modelVersion(), metrics, decision, at);

    assertThat(report.getModelId()).isEqualTo("credit");
    assertThat(report.getVersion()).isEqualTo(5);
    assertThat(report.getEvaluatedAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
    assertThat(report.getExamplesTrainedOn()).isEqualTo(1234L);
    assertThat(report.getHoldoutSize()).isEqualTo(5L);
    assertThat(report.getLabels()).containsExactly("no", "yes");
    assertThat(report.getAccuracy()).isEqualTo(metrics.accuracy());
    assertThat(report.getMacroPrecision()).isEqualTo(metrics.macroPrecision());
    assertThat(report.getMacroRecall()).isEqualTo(metrics.macroRecall());
    assertThat(report.getMacroF1()).isEqualTo(metrics.macroF1());
    assertThat(report.getMajorityBaselineMacroF1()).isEqualTo(metrics.majorityBaselineMacroF1());
    // no: P 1/2 R 1/2; yes: P 2/3 R 2/3
    assertThat(report.getPerClass())
        .containsExactly(
            new ClassMetrics("no", 0.5, 0.5, 0.5, 2L, null, null),
            new ClassMetrics(
                "yes", 2.0 / 3, 2.0 / 3, metrics.perClass().get(1).f1(), 3L, null, null));
    assertThat(report.getConfusionMatrix()).containsExactly(List.of(1L, 1L), List.of(1L, 2L));
    assertThat(report.getChampionVersion()).isEqualTo(4);
    assertThat(report.getPromoted()).isTrue();
    assertThat(report.getGateReason()).isEqualTo("because");
  }

  @Test
  void noChampionIsNull() {
    ClassificationMetrics metrics =
        ClassificationMetrics.compute(new int[] {0}, new int[] {0}, List.of("no", "yes"));
    EvaluationReport report =
        ReportBuilder.build(
            modelVersion(), metrics, new ChampionGate.Decision(false, "r", null), Instant.EPOCH);
    assertThat(report.getChampionVersion()).isNull();
    assertThat(report.getPromoted()).isFalse();
  }

  static ModelVersion modelVersion() {
    return ModelVersion.newBuilder()
        .setModelId("credit")
        .setVersion(5)
        .setCreatedAt(Instant.EPOCH)
        .setStorePath("/tmp/store/credit/5")
        .setArchitecture("mlp")
        .setLabels(List.of("no", "yes"))
        .setFeatureCount(3)
        .setExamplesTrainedOn(1234)
        .setNewExamples(100)
        .setTotalExamplesConsumed(2000)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0.5)
        .setEpochs(3)
        .setDurationMs(10)
        .setDevice("cpu")
        .build();
  }
}
