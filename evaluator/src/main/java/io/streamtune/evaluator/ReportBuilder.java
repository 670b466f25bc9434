package io.streamtune.evaluator;

import io.streamtune.model.metrics.Bootstrap;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.Interval;
import io.streamtune.model.metrics.ProbabilityMetrics;
import io.streamtune.schemas.avro.ClassMetrics;
import io.streamtune.schemas.avro.ConfidenceInterval;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Turns the scores of one model version and the gate's verdict into an EvaluationReport. */
public final class ReportBuilder {

  private ReportBuilder() {}

  /**
   * Every metric of {@code scores}, their {@code level} intervals from {@code draws}, the gate's
   * verdict and its paired test.
   */
  static EvaluationReport build(
      ModelVersion version,
      HoldoutScorer.Scores scores,
      Bootstrap.Draws draws,
      double level,
      ChampionGate.Decision decision,
      Instant evaluatedAt) {
    EvaluationReport report = build(version, scores.metrics(), decision, evaluatedAt);
    ProbabilityMetrics probabilities = scores.probabilities();
    List<ClassMetrics> perClass = report.getPerClass();
    for (int k = 0; k < perClass.size(); k++) {
      perClass.get(k).setRocAuc(definedOrNull(probabilities.rocAuc(k)));
      perClass.get(k).setPrAuc(definedOrNull(probabilities.averagePrecision(k)));
    }
    report.setLogLoss(probabilities.logLoss());
    report.setBrierScore(probabilities.brierScore());
    report.setRocAuc(definedOrNull(probabilities.macroRocAuc()));
    report.setPrAuc(definedOrNull(probabilities.macroAveragePrecision()));
    report.setExpectedCalibrationError(probabilities.expectedCalibrationError());
    report.setAccuracyInterval(interval(draws.accuracyInterval(level)));
    report.setMacroF1Interval(interval(draws.macroF1Interval(level)));
    if (scores.latency() != null) {
      report.setLatencyP50Millis(scores.latency().p50Millis());
      report.setLatencyP99Millis(scores.latency().p99Millis());
    }
    return report;
  }

  /**
   * The label-based metrics and the gate's verdict; the probability metrics, intervals and latency
   * are left null (a report of predictions alone).
   */
  public static EvaluationReport build(
      ModelVersion version,
      ClassificationMetrics metrics,
      ChampionGate.Decision decision,
      Instant evaluatedAt) {
    List<ClassMetrics> perClass = new ArrayList<>();
    for (ClassificationMetrics.ClassScore score : metrics.perClass()) {
      perClass.add(
          ClassMetrics.newBuilder()
              .setLabel(score.label())
              .setPrecision(score.precision())
              .setRecall(score.recall())
              .setF1(score.f1())
              .setSupport(score.support())
              .build());
    }
    List<List<Long>> confusion = new ArrayList<>();
    for (long[] row : metrics.confusionMatrix()) {
      List<Long> cells = new ArrayList<>(row.length);
      for (long cell : row) {
        cells.add(cell);
      }
      confusion.add(cells);
    }
    return EvaluationReport.newBuilder()
        .setModelId(version.getModelId())
        .setVersion(version.getVersion())
        // the topic stores milliseconds; truncating here keeps the built and the read report equal
        .setEvaluatedAt(evaluatedAt.truncatedTo(ChronoUnit.MILLIS))
        .setExamplesTrainedOn(version.getExamplesTrainedOn())
        .setHoldoutSize(metrics.size())
        .setLabels(new ArrayList<>(metrics.labels()))
        .setAccuracy(metrics.accuracy())
        .setMacroPrecision(metrics.macroPrecision())
        .setMacroRecall(metrics.macroRecall())
        .setMacroF1(metrics.macroF1())
        .setMajorityBaselineMacroF1(metrics.majorityBaselineMacroF1())
        .setPerClass(perClass)
        .setConfusionMatrix(confusion)
        .setChampionVersion(decision.championVersion())
        .setPromoted(decision.promoted())
        .setGateReason(decision.reason())
        .setBalancedAccuracy(metrics.balancedAccuracy())
        .setWeightedPrecision(metrics.weightedPrecision())
        .setWeightedRecall(metrics.weightedRecall())
        .setWeightedF1(metrics.weightedF1())
        .setGateTest(decision.comparison() == null ? null : decision.comparison().test())
        .setGateDifference(
            decision.comparison() == null ? null : decision.comparison().difference())
        .setGateDifferenceInterval(
            decision.comparison() == null ? null : interval(decision.comparison().interval()))
        .setGatePValue(decision.comparison() == null ? null : decision.comparison().pValue())
        .setChampionMacroF1(decision.championMacroF1())
        .build();
  }

  private static ConfidenceInterval interval(Interval interval) {
    return new ConfidenceInterval(interval.low(), interval.high(), interval.level());
  }

  /** Avro has no NaN-free double: an undefined score is written as null. */
  private static Double definedOrNull(double value) {
    return Double.isNaN(value) ? null : value;
  }
}
