package io.streamtune.trainer;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.Interval;
import io.streamtune.schemas.avro.ConfidenceInterval;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.SelectionCandidate;
import io.streamtune.trainer.selection.Candidate;
import io.streamtune.trainer.selection.ModelSelection;
import io.streamtune.trainer.selection.Ranking;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A selection's {@link ModelSelection.Report} as an {@link EvaluationReport} of kind {@value #KIND}
 * on {@code metrics}, and as the JSON of a version's {@code training.json} ({@code selection}): the
 * winner and its {@code trainer} section (what a restart resumes), the split, and one row per
 * candidate in rank order (the columns of {@code streamtune select}'s table), then the skipped ones
 * with why.
 */
final class SelectionRecord {

  /** {@code EvaluationReport.kind} of a selection. */
  static final String KIND = "selection";

  private SelectionRecord() {}

  /**
   * @param number the model's n-th selection (1 the first; 0 in a provisional record)
   */
  static Map<String, Object> of(ModelSelection.Report report, Candidate winner, int number) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("winner", winner.name());
    rec.put("trainer", winner.trainer());
    rec.put("provisional", false);
    rec.put("number", number);
    rec.put("examples", report.examples());
    rec.put("split", report.split());
    rec.put("seconds", report.seconds());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Ranking.Row row : report.ranking()) {
      ModelSelection.Measured measured = report.measured().get(row.name());
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("rank", row.rank());
      fields.put("name", row.name());
      fields.put("macroF1", row.macroF1());
      fields.put("macroF1Low", row.macroF1Interval().low());
      fields.put("macroF1High", row.macroF1Interval().high());
      fields.put("accuracy", row.metrics().accuracy());
      fields.put("trainSeconds", measured.trainSeconds());
      fields.put("latencyP50Ms", finiteOrNull(measured.latencyP50Ms()));
      fields.put("latencyP99Ms", finiteOrNull(measured.latencyP99Ms()));
      fields.put("parameters", measured.parameterCount());
      fields.put("pVersusBest", row.versusBest() == null ? null : row.versusBest().pValue());
      fields.put("significantlyWorse", row.significantlyWorse());
      rows.add(fields);
    }
    rec.put("ranking", rows);
    rec.put(
        "skipped",
        report.skipped().stream()
            .map(s -> Map.of("name", s.name(), "reason", s.reason()))
            .toList());
    return rec;
  }

  /** JSON has no NaN: a latency that was not measured is null. */
  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /**
   * The report on {@code metrics}: the winner's out-of-fold scores in the metric fields (on {@code
   * holdoutSize} scored examples), every candidate in {@code selection}, ranked then skipped.
   *
   * @param version the first version the winner trained
   */
  static EvaluationReport toAvro(
      String modelId,
      int version,
      Instant at,
      ModelSelection.Report report,
      Candidate winner,
      int number) {
    Ranking.Row best = report.ranking().get(0);
    ClassificationMetrics metrics = best.metrics();
    List<SelectionCandidate> candidates = new ArrayList<>();
    for (Ranking.Row row : report.ranking()) {
      ModelSelection.Measured measured = report.measured().get(row.name());
      candidates.add(
          SelectionCandidate.newBuilder()
              .setRank(row.rank())
              .setName(row.name())
              .setMacroF1(row.macroF1())
              .setMacroF1Interval(interval(row.macroF1Interval()))
              .setAccuracy(row.metrics().accuracy())
              .setTrainSeconds(measured.trainSeconds())
              .setLatencyP50Millis(finiteOrNull(measured.latencyP50Ms()))
              .setLatencyP99Millis(finiteOrNull(measured.latencyP99Ms()))
              .setParameters(measured.parameterCount() < 0 ? null : measured.parameterCount())
              .setPValueVersusBest(row.versusBest() == null ? null : row.versusBest().pValue())
              .setSignificantlyWorse(row.significantlyWorse())
              .build());
    }
    for (ModelSelection.Skipped skipped : report.skipped()) {
      candidates.add(
          SelectionCandidate.newBuilder()
              .setName(skipped.name())
              .setSkippedReason(skipped.reason())
              .build());
    }
    return EvaluationReport.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setEvaluatedAt(at)
        .setExamplesTrainedOn(report.examples())
        .setHoldoutSize(report.actual().length)
        .setLabels(report.labels())
        .setAccuracy(metrics.accuracy())
        .setMacroPrecision(metrics.macroPrecision())
        .setMacroRecall(metrics.macroRecall())
        .setMacroF1(metrics.macroF1())
        .setMajorityBaselineMacroF1(metrics.majorityBaselineMacroF1())
        .setPerClass(List.of())
        .setConfusionMatrix(
            Arrays.stream(metrics.confusionMatrix())
                .map(row -> Arrays.stream(row).boxed().toList())
                .toList())
        .setKind(KIND)
        .setGateReason(
            "selection "
                + number
                + ": "
                + winner.name()
                + " wins among "
                + candidates.size()
                + " candidates, "
                + report.split())
        .setMacroF1Interval(interval(best.macroF1Interval()))
        .setSelection(candidates)
        .build();
  }

  private static ConfidenceInterval interval(Interval interval) {
    return interval == null
        ? null
        : new ConfidenceInterval(interval.low(), interval.high(), interval.level());
  }
}
