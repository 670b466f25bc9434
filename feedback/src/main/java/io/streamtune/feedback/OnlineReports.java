package io.streamtune.feedback;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.schemas.avro.ClassMetrics;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Builds the {@code EvaluationReport}s the feedback app publishes: online and rollback. */
public final class OnlineReports {

  /** Appended to a SHADOW role's window description; {@link #isShadow} reads it back. */
  static final String SHADOW_WINDOW_SUFFIX = ", shadow";

  /**
   * Whether an online report scores the shadow (the previous champion) rather than the champion.
   */
  static boolean isShadow(EvaluationReport report) {
    return report.getWindow() != null && report.getWindow().endsWith(SHADOW_WINDOW_SUFFIX);
  }

  public static final String ONLINE = "online";
  public static final String ROLLBACK = "rollback";

  private OnlineReports() {}

  /**
   * The online report of one window. Scores follow scikit-learn's defaults for {@code
   * classification_report(y_true, y_pred)}: the classes are those present in the labels or the
   * predictions of the window (a class of the model seen in neither does not drag the macro
   * averages down), in the model's order, then any other class by name.
   *
   * @param window e.g. {@code tumbling 60000 ms}; a SHADOW role is appended ({@code , shadow})
   */
  public static EvaluationReport online(
      String modelId,
      int version,
      String role,
      OnlineCounts counts,
      String window,
      Instant windowStart,
      Instant windowEnd) {
    List<String> labels = presentLabels(counts);
    int n = (int) counts.count();
    int[] actual = new int[n];
    int[] predicted = new int[n];
    int i = 0;
    for (Map.Entry<String, Map<String, Long>> row : counts.confusion().entrySet()) {
      int a = labels.indexOf(row.getKey());
      for (Map.Entry<String, Long> cell : row.getValue().entrySet()) {
        int p = labels.indexOf(cell.getKey());
        for (long k = 0; k < cell.getValue(); k++) {
          actual[i] = a;
          predicted[i] = p;
          i++;
        }
      }
    }
    ClassificationMetrics metrics = ClassificationMetrics.compute(actual, predicted, labels);
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
    long[][] confusion = metrics.confusionMatrix();
    List<List<Long>> matrix = new ArrayList<>();
    List<Long> labelCounts = new ArrayList<>();
    List<Long> predictionCounts = new ArrayList<>();
    for (int r = 0; r < labels.size(); r++) {
      List<Long> row = new ArrayList<>();
      long rowSum = 0;
      long columnSum = 0;
      for (int c = 0; c < labels.size(); c++) {
        row.add(confusion[r][c]);
        rowSum += confusion[r][c];
        columnSum += confusion[c][r];
      }
      matrix.add(row);
      labelCounts.add(rowSum);
      predictionCounts.add(columnSum);
    }
    return EvaluationReport.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setEvaluatedAt(windowEnd)
        .setExamplesTrainedOn(0)
        .setHoldoutSize(n)
        .setLabels(labels)
        .setAccuracy(metrics.accuracy())
        .setMacroPrecision(metrics.macroPrecision())
        .setMacroRecall(metrics.macroRecall())
        .setMacroF1(metrics.macroF1())
        .setBalancedAccuracy(metrics.balancedAccuracy())
        .setWeightedPrecision(metrics.weightedPrecision())
        .setWeightedRecall(metrics.weightedRecall())
        .setWeightedF1(metrics.weightedF1())
        .setMajorityBaselineMacroF1(metrics.majorityBaselineMacroF1())
        .setPerClass(perClass)
        .setConfusionMatrix(matrix)
        .setChampionVersion(null)
        .setPromoted(false)
        .setGateReason("")
        .setKind(ONLINE)
        .setWindow(Outcome.SHADOW.equals(role) ? window + SHADOW_WINDOW_SUFFIX : window)
        .setWindowStart(windowStart)
        .setWindowEnd(windowEnd)
        .setLogLoss(counts.logLossSum() / n)
        .setLabelCounts(labelCounts)
        .setPredictionCounts(predictionCounts)
        .build();
  }

  /** The classes present in the window: the model's, in its order, then others by name. */
  static List<String> presentLabels(OnlineCounts counts) {
    Set<String> present = new TreeSet<>(counts.confusion().keySet());
    counts.confusion().values().forEach(m -> present.addAll(m.keySet()));
    Set<String> ordered = new LinkedHashSet<>();
    for (String label : counts.modelLabels()) {
      if (present.contains(label)) {
        ordered.add(label);
      }
    }
    ordered.addAll(present);
    return List.copyOf(ordered);
  }

  /**
   * The report of a rollback: {@code restored} is promoted again in place of {@code badVersion}.
   *
   * @param accuracy the restored version's online accuracy on the records both scored, or 0 for a
   *     manual rollback
   * @param pairs labelled records both versions scored (0 for a manual rollback)
   */
  public static EvaluationReport rollback(
      ModelVersion restored,
      Integer badVersion,
      double accuracy,
      long pairs,
      String reason,
      Instant at) {
    return EvaluationReport.newBuilder()
        .setModelId(restored.getModelId())
        .setVersion(restored.getVersion())
        .setEvaluatedAt(at)
        .setExamplesTrainedOn(restored.getExamplesTrainedOn())
        .setHoldoutSize(pairs)
        .setLabels(List.copyOf(restored.getLabels()))
        .setAccuracy(accuracy)
        .setMacroPrecision(0)
        .setMacroRecall(0)
        .setMacroF1(0)
        .setMajorityBaselineMacroF1(0)
        .setPerClass(List.of())
        .setConfusionMatrix(List.of())
        .setChampionVersion(badVersion)
        .setPromoted(true)
        .setGateReason(reason)
        .setKind(ROLLBACK)
        .setWindow("")
        .setWindowStart(null)
        .setWindowEnd(null)
        .setLogLoss(null)
        .setLabelCounts(List.of())
        .setPredictionCounts(List.of())
        .build();
  }
}
