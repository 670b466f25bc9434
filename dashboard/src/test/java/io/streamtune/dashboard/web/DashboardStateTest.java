package io.streamtune.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.schemas.avro.ClassMetrics;
import io.streamtune.schemas.avro.ConfidenceInterval;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.avro.Split;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardStateTest {

  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

  static EvaluationReport holdout(int version, boolean promoted, String reason) {
    EvaluationReport report = new EvaluationReport();
    report.setModelId("credit");
    report.setVersion(version);
    report.setKind("holdout");
    report.setEvaluatedAt(T0.plusSeconds(version));
    report.setExamplesTrainedOn(100L * version);
    report.setHoldoutSize(40);
    report.setLabels(List.of("good", "bad"));
    report.setAccuracy(0.6 + version / 100.0);
    report.setAccuracyInterval(new ConfidenceInterval(0.5, 0.7 + version / 100.0, 0.95));
    report.setMacroF1(0.5 + version / 100.0);
    report.setMacroF1Interval(new ConfidenceInterval(0.4, 0.6, 0.95));
    report.setMajorityBaselineMacroF1(0.3);
    report.setPerClass(
        List.of(
            ClassMetrics.newBuilder()
                .setLabel("good")
                .setPrecision(0.8)
                .setRecall(0.9)
                .setF1(0.85)
                .setSupport(30)
                .build(),
            ClassMetrics.newBuilder()
                .setLabel("bad")
                .setPrecision(0.5)
                .setRecall(0.3 + version / 100.0)
                .setF1(0.4)
                .setSupport(10)
                .build()));
    report.setConfusionMatrix(List.of(List.of(27L, 3L), List.of(7L, (long) version)));
    report.setPromoted(promoted);
    report.setGateReason(reason);
    return report;
  }

  private static EvaluationReport other(String kind, int version, String reason) {
    EvaluationReport report = holdout(version, false, reason);
    report.setKind(kind);
    report.setWindow("tumbling 2000 ms");
    return report;
  }

  private static DeadLetter deadLetter(String stage, String reason, long offset) {
    DeadLetter letter = new DeadLetter();
    letter.setStage(stage);
    letter.setReason(reason);
    letter.setTopic("raw");
    letter.setOffset(offset);
    letter.setFailedAt(T0.plusSeconds(offset));
    return letter;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> snapshot, String key) {
    return (List<Map<String, Object>>) snapshot.get(key);
  }

  @Test
  void versionsCarryScoresIntervalsAndTheGatesReasonWithTheLastPromotedOneAsChampion() {
    DashboardState state = new DashboardState();
    state.accept(holdout(1, true, "first version"));
    state.accept(holdout(2, false, "macro F1 not better by 0.01"));
    state.accept(holdout(3, true, "better by 0.02"));

    Map<String, Object> snapshot = state.snapshot();
    List<Map<String, Object>> versions = list(snapshot, "versions");
    assertThat(versions).extracting(v -> v.get("version")).containsExactly(1, 2, 3);
    assertThat(versions).extracting(v -> v.get("champion")).containsExactly(false, false, true);
    assertThat(versions.get(1))
        .containsEntry("promoted", false)
        .containsEntry("gateReason", "macro F1 not better by 0.01")
        .containsEntry("macroF1", 0.52)
        .containsEntry("accuracy", 0.62)
        .containsEntry("macroF1Interval", Map.of("low", 0.4, "high", 0.6, "level", 0.95));
    @SuppressWarnings("unchecked")
    Map<String, Object> champion = (Map<String, Object>) snapshot.get("champion");
    assertThat(champion)
        .containsEntry("version", 3)
        .containsEntry("labels", List.of("good", "bad"));
    assertThat(champion.get("confusionMatrix"))
        .isEqualTo(List.of(List.of(27L, 3L), List.of(7L, 3L)));
    assertThat((List<Map<String, Object>>) champion.get("perClass"))
        .extracting(c -> c.get("label") + "=" + c.get("f1"))
        .containsExactly("good=0.85", "bad=0.4");
    assertThat(state.revision()).isEqualTo(3);
  }

  @Test
  void aRollbackMakesTheOlderVersionChampionWithItsOwnConfusionMatrix() {
    DashboardState state = new DashboardState();
    state.accept(holdout(1, true, "first version"));
    state.accept(holdout(2, true, "better"));
    state.accept(other("rollback", 1, "online accuracy of v2 fell below v1's"));

    Map<String, Object> snapshot = state.snapshot();
    assertThat(list(snapshot, "versions"))
        .extracting(v -> v.get("champion"))
        .containsExactly(true, false);
    @SuppressWarnings("unchecked")
    Map<String, Object> champion = (Map<String, Object>) snapshot.get("champion");
    assertThat(champion.get("confusionMatrix"))
        .isEqualTo(List.of(List.of(27L, 3L), List.of(7L, 1L)));
    assertThat(list(snapshot, "events"))
        .extracting(e -> e.get("kind") + " v" + e.get("version") + ": " + e.get("reason"))
        .containsExactly("rollback v1: online accuracy of v2 fell below v1's");
  }

  @Test
  void theNewestPublishedTransformGivesTheBadCellsPerColumn() {
    DashboardState state = new DashboardState();
    state.accept(transform(100, "{\"badCells\": {\"Income\": 3, \"Age\": 1}}"));
    state.accept(transform(400, "{\"badCells\": {\"Income\": 9, \"Age\": 2}}"));
    // published out of order: an older version changes nothing
    state.accept(transform(200, "{\"badCells\": {\"Income\": 5}}"));

    assertThat(state.snapshot().get("badCells"))
        .isEqualTo(Map.of("credit", Map.of("Age", 2L, "Income", 9L)));
    assertThat(state.revision()).isEqualTo(2);
  }

  private static io.streamtune.schemas.avro.TransformVersion transform(long version, String json) {
    return io.streamtune.schemas.avro.TransformVersion.newBuilder()
        .setPipeline("credit")
        .setVersion(version)
        .setPublishedAt(T0)
        .setFormat("streamtune-fitted-transform/1")
        .setJson(json)
        .build();
  }

  @Test
  void onlineWindowsDriftRequestsAndDeadLettersAreListed() {
    DashboardState state = new DashboardState();
    state.accept(other("online", 1, ""));
    RetrainRequest drift =
        RetrainRequest.newBuilder()
            .setRequestedAt(T0)
            .setTrigger(RetrainCause.CONCEPT_DRIFT)
            .setDetector("adwin")
            .setModelVersion(1)
            .setStatistic(0.3)
            .setThreshold(0.2)
            .setReason("accuracy fell")
            .build();
    state.accept(drift);
    for (int i = 0; i < DashboardState.LATEST_DEAD_LETTERS + 2; i++) {
      state.accept(deadLetter(i % 3 == 0 ? "ingest" : "preprocess", "bad value " + (i % 2), i));
    }

    Map<String, Object> snapshot = state.snapshot();
    assertThat(list(snapshot, "online"))
        .extracting(o -> o.get("window") + " " + o.get("accuracy"))
        .containsExactly("tumbling 2000 ms 0.61");
    assertThat(list(snapshot, "drift").get(0))
        .containsEntry("trigger", "CONCEPT_DRIFT")
        .containsEntry("detector", "adwin")
        .containsEntry("statistic", 0.3);
    @SuppressWarnings("unchecked")
    Map<String, Object> dead = (Map<String, Object>) snapshot.get("deadLetters");
    // 12 letters: offsets 0,3,6,9 are ingest's (reasons 0,1,0,1), the other 8 preprocess'
    assertThat(dead.get("byStage"))
        .isEqualTo(
            Map.of(
                "ingest", Map.of("bad value 0", 2L, "bad value 1", 2L),
                "preprocess", Map.of("bad value 0", 4L, "bad value 1", 4L)));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> latest = (List<Map<String, Object>>) dead.get("latest");
    assertThat(latest).hasSize(DashboardState.LATEST_DEAD_LETTERS);
    assertThat(latest.get(0)).containsEntry("offset", 11L).containsEntry("stage", "preprocess");
    assertThat(state.revision()).isEqualTo(2 + DashboardState.LATEST_DEAD_LETTERS + 2);
  }

  @Test
  void lagReadingsReplaceEachOtherAndOnlyAChangeIsANewRevision() {
    DashboardState state = new DashboardState();
    state.acceptLag(Map.of("streamtune-trainer", 120L, "streamtune-evaluator", 3L));
    state.acceptLag(Map.of("streamtune-evaluator", 3L, "streamtune-trainer", 120L));
    assertThat(state.revision()).isEqualTo(1);
    state.acceptLag(Map.of("streamtune-trainer", 0L));
    assertThat(state.snapshot().get("lag")).isEqualTo(Map.of("streamtune-trainer", 0L));
    assertThat(state.revision()).isEqualTo(2);
  }

  @Test
  void historiesAreBounded() {
    DashboardState state = new DashboardState();
    for (int v = 1; v <= DashboardState.HISTORY + 5; v++) {
      state.accept(holdout(v, false, "not better"));
    }
    List<Map<String, Object>> versions = list(state.snapshot(), "versions");
    assertThat(versions).hasSize(DashboardState.HISTORY);
    assertThat(versions.get(0)).containsEntry("version", 6);
    assertThat(state.snapshot().get("champion")).isNull();
  }

  private static Example trainExample(
      String id, String label, String augmentedFrom, boolean synthetic) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(augmentedFrom == null ? id : augmentedFrom)
        .setEventTime(T0)
        .setSplit(Split.TRAIN)
        .setLabel(label)
        .setLabelIndex(label.equals("bad") ? 1 : 0)
        .setAugmentedFrom(augmentedFrom)
        .setSynthetic(synthetic)
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void classCountsSplitOriginalsFromSyntheticAndAugmentedTrainExamples() {
    DashboardState state = new DashboardState();
    // 5 good originals; 2 bad originals, 3 SMOTE-like synthetic bad, 1 augmented copy of a bad one
    for (int i = 0; i < 5; i++) {
      state.acceptTrainExample(trainExample("g" + i, "good", null, false));
    }
    state.acceptTrainExample(trainExample("b0", "bad", null, false));
    state.acceptTrainExample(trainExample("b1", "bad", null, false));
    for (int i = 0; i < 3; i++) {
      state.acceptTrainExample(trainExample("s" + i, "bad", null, true));
    }
    state.acceptTrainExample(trainExample("b0-aug", "bad", "b0", false));

    List<Map<String, Object>> counts =
        (List<Map<String, Object>>) state.snapshot().get("classCounts");
    assertThat(counts)
        .containsExactly(
            Map.of("label", "bad", "before", 2L, "after", 6L),
            Map.of("label", "good", "before", 5L, "after", 5L));
    assertThat(state.revision()).isEqualTo(11);
  }

  @Test
  @SuppressWarnings("unchecked")
  void throughputIsTheEndOffsetsGrowthPerSecondOverTheWindow() {
    DashboardState state = new DashboardState();
    state.acceptEndOffsets(10_000, Map.of("raw", 100L, "examples.train", 40L));
    List<Map<String, Object>> first =
        (List<Map<String, Object>>) state.snapshot().get("throughput");
    // one reading: the offsets are known, no rate yet
    assertThat(first).extracting(r -> r.get("topic")).containsExactly("examples.train", "raw");
    assertThat(first).extracting(r -> r.get("perSecond")).containsOnlyNulls();

    state.acceptEndOffsets(13_000, Map.of("raw", 400L, "examples.train", 40L, "models", 2L));
    state.acceptEndOffsets(14_000, Map.of("raw", 500L, "examples.train", 52L, "models", 4L));
    List<Map<String, Object>> rates =
        (List<Map<String, Object>>) state.snapshot().get("throughput");
    assertThat(rates)
        .extracting(r -> r.get("topic"))
        .containsExactly("examples.train", "models", "raw");
    // raw: (500 - 100) / 4 s; train: (52 - 40) / 4 s; models since its first reading: (4 - 2) / 1 s
    assertThat(rates).extracting(r -> r.get("perSecond")).containsExactly(3.0, 2.0, 100.0);
    assertThat(rates).extracting(r -> r.get("endOffset")).containsExactly(52L, 4L, 500L);
  }

  @Test
  @SuppressWarnings("unchecked")
  void throughputSpansOnlyTheLastReadingsAndNeverGoesNegative() {
    DashboardState state = new DashboardState();
    for (int i = 0; i < StageThroughput.WINDOW + 3; i++) {
      // 10 records per second for the first 3 readings, then 1 per second
      long end = i < 3 ? 30L * i : 60L + 3L * (i - 2);
      state.acceptEndOffsets(3_000L * i, Map.of("raw", end, "metrics", i < 5 ? 50L : 7L));
    }
    List<Map<String, Object>> rates =
        (List<Map<String, Object>>) state.snapshot().get("throughput");
    // the window holds readings 3..12 only: raw grew 3 records per 3 s there
    assertThat(rates).extracting(r -> r.get("perSecond")).containsExactly(0.0, 1.0);
    // idle: the rows settle, and an unchanged reading is no new revision
    DashboardState idle = new DashboardState();
    idle.acceptEndOffsets(1_000, Map.of("raw", 5L));
    idle.acceptEndOffsets(2_000, Map.of("raw", 5L));
    assertThat(idle.revision()).isEqualTo(2);
    idle.acceptEndOffsets(3_000, Map.of("raw", 5L));
    assertThat(idle.revision()).isEqualTo(2);
    assertThatThrownBy(() -> state.acceptEndOffsets(3_000L, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not after the last reading");
  }
}
