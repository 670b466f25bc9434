package io.streamtune.trainer;

import io.streamtune.trainer.selection.Candidate;
import io.streamtune.trainer.selection.ModelSelection;
import io.streamtune.trainer.selection.Ranking;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A selection's {@link ModelSelection.Report} as the JSON of a version's {@code training.json}
 * ({@code selection}): the winner and its {@code trainer} section (what a restart resumes), the
 * split, and one row per candidate in rank order (the columns of {@code streamtune select}'s
 * table), then the skipped ones with why.
 */
final class SelectionRecord {

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
}
