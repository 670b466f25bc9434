package io.streamtune.launcher;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code streamtune status} prints for a terminal, from what the topics hold: the champion,
 * the last versions with their holdout scores and gate decisions, the champion's last online
 * window, rollbacks, consumer lag per group and dead letters by stage with the latest one.
 */
final class StatusReport {

  private StatusReport() {}

  /**
   * @param promoted records of {@code models.promoted}, in offset order
   * @param reports records of {@code metrics}, in offset order
   * @param lagByGroup records behind per consumer group (summed over its partitions)
   * @param lastVersions how many of the newest holdout reports to list
   */
  static List<String> render(
      String modelId,
      List<ModelVersion> promoted,
      List<EvaluationReport> reports,
      List<DeadLetter> deadLetters,
      Map<String, Long> lagByGroup,
      int lastVersions) {
    List<String> lines = new ArrayList<>();
    ModelVersion champion = null;
    for (ModelVersion version : promoted) {
      if (version.getModelId().equals(modelId)) {
        champion = version;
      }
    }
    List<EvaluationReport> holdout = new ArrayList<>();
    EvaluationReport lastOnline = null;
    long rollbacks = 0;
    EvaluationReport lastRollback = null;
    EvaluationReport lastSelection = null;
    for (EvaluationReport report : reports) {
      if (!report.getModelId().equals(modelId)) {
        continue;
      }
      switch (report.getKind()) {
        case MetricsWatcher.HOLDOUT -> holdout.add(report);
        case MetricsWatcher.ROLLBACK -> {
          rollbacks++;
          lastRollback = report;
        }
        case MetricsWatcher.SELECTION -> lastSelection = report;
        default -> {
          boolean championWindow =
              champion != null
                  && report.getVersion() == champion.getVersion()
                  && !report.getWindow().contains("shadow");
          if (championWindow) {
            lastOnline = report;
          }
        }
      }
    }
    lines.add(
        champion == null
            ? "model " + modelId + ": no champion yet"
            : String.format(
                Locale.ROOT,
                "model %s: champion v%d (trained on %,d examples, created %s)",
                modelId,
                champion.getVersion(),
                champion.getExamplesTrainedOn(),
                champion.getCreatedAt()));
    lines.add(
        String.format(
            Locale.ROOT,
            "versions evaluated: %d (newest %d below)",
            holdout.size(),
            Math.min(lastVersions, holdout.size())));
    for (int i = holdout.size() - 1; i >= Math.max(0, holdout.size() - lastVersions); i--) {
      lines.add("  " + MetricsWatcher.line(holdout.get(i)));
    }
    if (lastSelection != null) {
      lines.add("last backbone selection: " + MetricsWatcher.selectionLine(lastSelection));
    }
    if (lastOnline != null) {
      lines.add("last online window of the champion: " + MetricsWatcher.onlineLine(lastOnline));
    }
    lines.add(
        "rollbacks: "
            + rollbacks
            + (lastRollback == null ? "" : " (last: " + lastRollback.getGateReason() + ")"));
    lines.add(
        "consumer lag: "
            + (lagByGroup.isEmpty()
                ? "no consumer group yet"
                : String.join(
                    ", ",
                    new TreeMap<>(lagByGroup)
                        .entrySet().stream()
                            .map(
                                e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                            .toList())));
    Map<String, Long> byStage = new TreeMap<>();
    deadLetters.forEach(d -> byStage.merge(d.getStage(), 1L, Long::sum));
    lines.add(
        String.format(
            Locale.ROOT,
            "dead letters: %,d%s",
            deadLetters.size(),
            byStage.isEmpty()
                ? ""
                : " ("
                    + String.join(
                        ", ",
                        byStage.entrySet().stream()
                            .map(
                                e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                            .toList())
                    + ")"));
    if (!deadLetters.isEmpty()) {
      DeadLetter latest = deadLetters.get(deadLetters.size() - 1);
      lines.add(
          String.format(
              Locale.ROOT,
              "  latest: %s at %s, record %s: %s",
              latest.getStage(),
              latest.getFailedAt(),
              latest.getRecordId(),
              latest.getReason()));
    }
    return lines;
  }
}
