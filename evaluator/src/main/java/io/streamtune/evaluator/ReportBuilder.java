package io.streamtune.evaluator;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.schemas.avro.ClassMetrics;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Turns the scores of one model version and the gate's verdict into an EvaluationReport. */
public final class ReportBuilder {

  private ReportBuilder() {}

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
        .build();
  }
}
