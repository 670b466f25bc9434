package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.SelectionCandidate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusReportTest {

  private static ModelVersion version(String model, int v) {
    ModelVersion version = new ModelVersion();
    version.setModelId(model);
    version.setVersion(v);
    version.setExamplesTrainedOn(100L * v);
    version.setCreatedAt(Instant.parse("2026-12-07T00:00:00Z").plusSeconds(v));
    return version;
  }

  private static EvaluationReport report(String kind, int v, boolean promoted, String reason) {
    EvaluationReport report = new EvaluationReport();
    report.setModelId("credit");
    report.setVersion(v);
    report.setKind(kind);
    report.setWindow(kind.equals("online") ? "tumbling 2000 ms" : "");
    report.setExamplesTrainedOn(100L * v);
    report.setHoldoutSize(50);
    report.setAccuracy(0.5 + v / 100.0);
    report.setMacroF1(0.4 + v / 100.0);
    report.setMajorityBaselineMacroF1(0.3);
    report.setPromoted(promoted);
    report.setGateReason(reason);
    report.setChampionVersion(v - 1);
    return report;
  }

  private static DeadLetter deadLetter(String stage, String id) {
    DeadLetter letter = new DeadLetter();
    letter.setStage(stage);
    letter.setRecordId(id);
    letter.setReason("bad " + id);
    letter.setFailedAt(Instant.parse("2026-12-07T01:00:00Z"));
    return letter;
  }

  @Test
  void showsTheChampionTheNewestVersionsOnlineRollbacksLagAndDeadLetters() {
    List<String> lines =
        StatusReport.render(
            "credit",
            List.of(
                version("credit", 1),
                version("other", 9),
                version("credit", 3),
                version("credit", 2)),
            List.of(
                report("holdout", 1, true, "beats baseline"),
                report("holdout", 2, true, "better"),
                report("holdout", 3, true, "better"),
                report("online", 3, false, ""),
                report("online", 2, false, ""),
                report("rollback", 2, true, "v3 worse online"),
                report("holdout", 4, false, "worse")),
            List.of(
                deadLetter("validate", "a"), deadLetter("serve", "b"), deadLetter("validate", "c")),
            Map.of("streamtune-trainer-credit", 12L, "streamtune-evaluator", 0L),
            2);

    assertThat(lines.get(0))
        .isEqualTo(
            "model credit: champion v2 (trained on 200 examples, created 2026-12-07T00:00:02Z)");
    assertThat(lines.get(1)).isEqualTo("versions evaluated: 4 (newest 2 below)");
    assertThat(lines.get(2)).startsWith("  version 4 |").endsWith("not promoted: worse");
    assertThat(lines.get(3)).startsWith("  version 3 |").endsWith("promoted");
    assertThat(lines.get(4)).startsWith("last online window of the champion: online | version 2 |");
    assertThat(lines.get(5)).isEqualTo("rollbacks: 1 (last: v3 worse online)");
    assertThat(lines.get(6))
        .isEqualTo("consumer lag: streamtune-evaluator 0, streamtune-trainer-credit 12");
    assertThat(lines.get(7)).isEqualTo("dead letters: 3 (serve 1, validate 2)");
    assertThat(lines.get(8))
        .isEqualTo("  latest: validate at 2026-12-07T01:00:00Z, record c: bad c");
  }

  @Test
  void aSelectionIsShownAsSuchNeverAsAnEvaluatedVersionOrAnOnlineWindow() {
    EvaluationReport selection =
        report("selection", 2, false, "selection 1: gbt wins among 2 candidates, 3-fold");
    selection.setSelection(
        List.of(SelectionCandidate.newBuilder().setRank(1).setName("gbt").setMacroF1(0.9).build()));
    List<String> lines =
        StatusReport.render(
            "credit",
            List.of(version("credit", 2)),
            List.of(report("holdout", 2, true, "better"), selection),
            List.of(),
            Map.of(),
            5);

    assertThat(lines.get(1)).isEqualTo("versions evaluated: 1 (newest 1 below)");
    assertThat(lines.get(3))
        .isEqualTo(
            "last backbone selection: selection | version 2 | selection 1: gbt wins among 2"
                + " candidates, 3-fold | 1. gbt macro F1 0.900");
    assertThat(lines).noneMatch(line -> line.startsWith("last online window"));
  }

  @Test
  void anEmptyDeploymentSaysSo() {
    List<String> lines =
        StatusReport.render("credit", List.of(), List.of(), List.of(), Map.of(), 5);

    assertThat(lines)
        .containsExactly(
            "model credit: no champion yet",
            "versions evaluated: 0 (newest 0 below)",
            "rollbacks: 0",
            "consumer lag: no consumer group yet",
            "dead letters: 0");
  }
}
