package io.streamtune.feedback;

import io.streamtune.model.metrics.ProbabilityMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one window knows of one model version in one role: the confusion counts, the summed log loss
 * and the model's labels. The aggregation adds to the maps in place and returns the new sum.
 *
 * @param confusion actual label → predicted label → count
 */
public record OnlineCounts(
    List<String> modelLabels, Map<String, Map<String, Long>> confusion, double logLossSum) {

  public static OnlineCounts empty() {
    return new OnlineCounts(new ArrayList<>(), new TreeMap<>(), 0);
  }

  public OnlineCounts add(Outcome outcome) {
    if (modelLabels.isEmpty()) {
      modelLabels.addAll(outcome.modelLabels());
    }
    confusion
        .computeIfAbsent(outcome.actual(), a -> new TreeMap<>())
        .merge(outcome.predicted(), 1L, Long::sum);
    return new OnlineCounts(
        modelLabels, confusion, logLossSum + logLoss(outcome.trueClassProbability()));
  }

  /**
   * −ln p of the true class, clipped as the evaluator's holdout log loss is (the one
   * implementation, {@link ProbabilityMetrics#trueClassLogLoss}).
   */
  public static double logLoss(double p) {
    return ProbabilityMetrics.trueClassLogLoss(p);
  }

  public long count() {
    return confusion.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Counts per model version and role in one window; key {@code version/ROLE}. */
  public record PerVersion(Map<String, OnlineCounts> byVersionRole) {

    public static PerVersion empty() {
      return new PerVersion(new LinkedHashMap<>());
    }

    public PerVersion add(Outcome outcome) {
      String key = outcome.version() + "/" + outcome.role();
      byVersionRole.put(key, byVersionRole.getOrDefault(key, OnlineCounts.empty()).add(outcome));
      return this;
    }
  }
}
