package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.ConfidenceInterval;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.SelectionCandidate;
import io.streamtune.schemas.topics.Topics;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Follows the metrics topic like a dashboard would, and hands each report to a listener. */
final class MetricsWatcher extends TopicFollower<EvaluationReport> {

  MetricsWatcher(KafkaConnection kafka, Consumer<EvaluationReport> listener) {
    super(kafka, Topics.METRICS, "metrics-watcher", report -> true, listener);
  }

  List<EvaluationReport> reports() {
    return seen();
  }

  /** The kinds of {@code EvaluationReport} on the metrics topic. */
  static final String HOLDOUT = "holdout";

  static final String ONLINE = "online";
  static final String ROLLBACK = "rollback";

  /** The trainer's model selection under {@code trainer.backbone: auto}. */
  static final String SELECTION = "selection";

  /** A holdout report: one per evaluated model version (the evaluator's). */
  static boolean isHoldout(EvaluationReport report) {
    return HOLDOUT.equals(report.getKind());
  }

  /** An online report (feedback app): one window of a served version's labelled predictions. */
  static String onlineLine(EvaluationReport report) {
    return String.format(
        Locale.ROOT,
        "online | version %d | %s%s | %,d labelled | accuracy %.3f | macro F1 %.3f%s",
        report.getVersion(),
        report.getWindow(),
        report.getWindowEnd() == null ? "" : " to " + report.getWindowEnd(),
        report.getHoldoutSize(),
        report.getAccuracy(),
        report.getMacroF1(),
        report.getLogLoss() == null
            ? ""
            : String.format(Locale.ROOT, " | log loss %.3f", report.getLogLoss()));
  }

  /**
   * A selection report (trainer, {@code trainer.backbone: auto}): the winner and every candidate's
   * out-of-fold macro F1, with the paired test's p against the winner; skipped ones with why.
   */
  static String selectionLine(EvaluationReport report) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "selection | version %d | %s",
                report.getVersion(),
                report.getGateReason()));
    for (SelectionCandidate candidate :
        report.getSelection() == null ? List.<SelectionCandidate>of() : report.getSelection()) {
      if (candidate.getSkippedReason() != null) {
        line.append(" | ").append(candidate.getName()).append(" skipped: ");
        line.append(candidate.getSkippedReason());
        continue;
      }
      ConfidenceInterval interval = candidate.getMacroF1Interval();
      line.append(
          String.format(
              Locale.ROOT,
              " | %d. %s macro F1 %.3f%s%s",
              candidate.getRank(),
              candidate.getName(),
              candidate.getMacroF1(),
              interval == null
                  ? ""
                  : String.format(
                      Locale.ROOT, " [%.3f, %.3f]", interval.getLow(), interval.getHigh()),
              candidate.getPValueVersusBest() == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      " (p %.3f%s)",
                      candidate.getPValueVersusBest(),
                      candidate.getSignificantlyWorse() ? ", worse" : "")));
    }
    return line.toString();
  }

  /** A rollback report: the version re-promoted over a worse champion, and why. */
  static String rollbackLine(EvaluationReport report) {
    return String.format(
        Locale.ROOT,
        "drift | rollback | champion v%s worse online than v%d | %s | action: v%d re-promoted",
        report.getChampionVersion(),
        report.getVersion(),
        report.getGateReason(),
        report.getVersion());
  }

  /**
   * One line per model version, as the demo prints it: the macro F1 with its bootstrap interval,
   * and for a promotion over a champion the gate's paired test in brief (a refusal's reason says it
   * in full). Reports written before the interval existed print without it.
   */
  static String line(EvaluationReport report) {
    ConfidenceInterval interval = report.getMacroF1Interval();
    return String.format(
        Locale.ROOT,
        "version %d | trained on %,d examples | holdout %,d | accuracy %.3f | macro F1 %.3f%s"
            + " (baseline %.3f) | %s",
        report.getVersion(),
        report.getExamplesTrainedOn(),
        report.getHoldoutSize(),
        report.getAccuracy(),
        report.getMacroF1(),
        interval == null
            ? ""
            : String.format(Locale.ROOT, " [%.3f, %.3f]", interval.getLow(), interval.getHigh()),
        report.getMajorityBaselineMacroF1(),
        report.getPromoted() ? promoted(report) : "not promoted: " + report.getGateReason());
  }

  private static String promoted(EvaluationReport report) {
    if (report.getGateTest() == null || report.getGatePValue() == null) {
      return "promoted";
    }
    return String.format(
        Locale.ROOT,
        "promoted (%s vs v%s: %+.3f, p %.2g)",
        report.getGateTest(),
        report.getChampionVersion(),
        report.getGateDifference(),
        report.getGatePValue());
  }
}
