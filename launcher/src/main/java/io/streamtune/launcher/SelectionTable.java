package io.streamtune.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamtune.trainer.selection.ModelSelection;
import io.streamtune.trainer.selection.Ranking;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ranking of a {@link ModelSelection.Report} as text: the table {@code select} prints, the same
 * table in Markdown for {@code report.md}, and {@code report.json}.
 */
final class SelectionTable {

  static final List<String> HEADER =
      List.of(
          "rank",
          "candidate",
          "macro F1 [95% CI]",
          "accuracy",
          "train s",
          "ms/example p50 / p99",
          "parameters",
          "vs best: diff (p)",
          "sizing");

  private SelectionTable() {}

  static List<List<String>> rows(ModelSelection.Report report) {
    List<List<String>> rows = new ArrayList<>();
    for (Ranking.Row row : report.ranking()) {
      ModelSelection.Measured measured = report.measured().get(row.name());
      String versus;
      if (row.versusBest() == null) {
        versus = "best";
      } else {
        versus =
            String.format(
                Locale.ROOT,
                "%+.3f (p=%.3f)%s",
                row.versusBest().difference(),
                row.versusBest().pValue(),
                row.significantlyWorse() ? " significant" : " not significant");
      }
      rows.add(
          List.of(
              String.valueOf(row.rank()),
              row.name(),
              String.format(
                  Locale.ROOT,
                  "%.3f [%.3f, %.3f]",
                  row.macroF1(),
                  row.macroF1Interval().low(),
                  row.macroF1Interval().high()),
              String.format(Locale.ROOT, "%.3f", row.metrics().accuracy()),
              String.format(Locale.ROOT, "%.1f", measured.trainSeconds()),
              String.format(
                  Locale.ROOT, "%.2f / %.2f", measured.latencyP50Ms(), measured.latencyP99Ms()),
              parameters(measured.parameterCount()),
              versus,
              measured.candidate().sizing().isEmpty() ? "-" : measured.candidate().sizing()));
    }
    return rows;
  }

  /** Columns padded to their widest cell. */
  static String text(ModelSelection.Report report) {
    List<List<String>> all = new ArrayList<>();
    all.add(HEADER);
    all.addAll(rows(report));
    int[] widths = new int[HEADER.size()];
    for (List<String> row : all) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[c] + "s", row.get(c)));
        if (c + 1 < row.size()) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    for (ModelSelection.Skipped skipped : report.skipped()) {
      out.append("skipped ")
          .append(skipped.name())
          .append(": ")
          .append(skipped.reason())
          .append('\n');
    }
    return out.toString();
  }

  static String markdown(ModelSelection.Report report, String title) {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(title).append("\n\n");
    out.append(summary(report)).append("\n\n");
    out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    out.append("|").append("---|".repeat(HEADER.size())).append('\n');
    for (List<String> row : rows(report)) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    if (!report.skipped().isEmpty()) {
      out.append("\nSkipped:\n\n");
      for (ModelSelection.Skipped skipped : report.skipped()) {
        out.append("- ").append(skipped.name()).append(": ").append(skipped.reason()).append('\n');
      }
    }
    out.append(
        "\nMacro F1 intervals: bootstrap percentile over the scored examples. \"vs best\": paired"
            + " bootstrap of the macro F1 difference to the best on the same examples;"
            + " significant when p < 0.05. Training time is summed over the folds; latency is one"
            + " example at a time through the serving path.\n\n");
    out.append("![ranking](ranking.png)\n\n");
    for (Ranking.Row row : report.ranking()) {
      out.append("![confusion matrix of ")
          .append(row.name())
          .append("](")
          .append(SelectionCharts.confusionFile(row.name()))
          .append(")\n");
    }
    return out.toString();
  }

  static String summary(ModelSelection.Report report) {
    return String.format(
        Locale.ROOT,
        "%d examples, %s; %d candidate(s) ranked, %d skipped, in %.0f s.",
        report.examples(),
        report.split(),
        report.ranking().size(),
        report.skipped().size(),
        report.seconds());
  }

  static String json(ModelSelection.Report report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("labels", report.labels());
    root.put("examples", report.examples());
    root.put("folds", report.folds());
    root.put("split", report.split());
    root.put("scoredExamples", report.actual().length);
    root.put("seconds", report.seconds());
    List<Map<String, Object>> ranking = new ArrayList<>();
    for (Ranking.Row row : report.ranking()) {
      ModelSelection.Measured measured = report.measured().get(row.name());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("rank", row.rank());
      entry.put("candidate", row.name());
      entry.put("macroF1", row.macroF1());
      entry.put(
          "macroF1Interval",
          Map.of(
              "low", row.macroF1Interval().low(),
              "high", row.macroF1Interval().high(),
              "level", row.macroF1Interval().level()));
      entry.put("accuracy", row.metrics().accuracy());
      entry.put("trainSeconds", measured.trainSeconds());
      entry.put("latencyP50Ms", measured.latencyP50Ms());
      entry.put("latencyP99Ms", measured.latencyP99Ms());
      entry.put("parameters", measured.parameterCount());
      entry.put("sizing", measured.candidate().sizing());
      if (row.versusBest() != null) {
        entry.put(
            "versusBest",
            Map.of(
                "test", row.versusBest().test(),
                "difference", row.versusBest().difference(),
                "low", row.versusBest().interval().low(),
                "high", row.versusBest().interval().high(),
                "pValue", row.versusBest().pValue(),
                "significant", row.significantlyWorse()));
      }
      entry.put("confusionMatrix", row.metrics().confusionMatrix());
      ranking.add(entry);
    }
    root.put("ranking", ranking);
    root.put(
        "skipped",
        report.skipped().stream()
            .map(s -> Map.of("candidate", s.name(), "reason", s.reason()))
            .toList());
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the selection report as JSON", e);
    }
  }

  static String parameters(long count) {
    if (count < 0) {
      return "?";
    }
    if (count >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1fM", count / 1e6);
    }
    if (count >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", count / 1e3);
    }
    return String.valueOf(count);
  }
}
