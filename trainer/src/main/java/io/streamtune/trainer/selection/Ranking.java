package io.streamtune.trainer.selection;

import io.streamtune.model.metrics.Bootstrap;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.Interval;
import io.streamtune.model.metrics.PairedComparison;
import io.streamtune.model.metrics.PairedTests;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranks candidates scored on the same examples by macro F1, with a bootstrap confidence interval
 * for each and a paired bootstrap test of each candidate's difference to the best (the same
 * resampled examples for both, so the noise of the examples cancels out).
 */
public final class Ranking {

  /**
   * How sure the ranking is asked to be.
   *
   * @param resamples bootstrap resamples
   * @param level confidence level of the intervals (0.95)
   * @param alpha a difference to the best is significant when its p-value is below this
   * @param seed of the resampling
   */
  public record Settings(int resamples, double level, double alpha, long seed) {
    public static Settings defaults(long seed) {
      return new Settings(1000, 0.95, 0.05, seed);
    }
  }

  /** One candidate's predictions for the scored examples, in the order of {@code actual}. */
  public record Scored(String name, int[] predicted) {}

  /**
   * One row of the ranking.
   *
   * @param versusBest the paired test of this candidate minus the best; null for the best
   * @param significantlyWorse whether the best is better beyond chance (p < alpha)
   */
  public record Row(
      int rank,
      String name,
      ClassificationMetrics metrics,
      Interval macroF1Interval,
      PairedComparison versusBest,
      boolean significantlyWorse) {

    public double macroF1() {
      return metrics.macroF1();
    }
  }

  private Ranking() {}

  /**
   * Ranks by macro F1 (ties: accuracy, then the order given, which lists cheaper candidates first).
   */
  public static List<Row> rank(
      int[] actual, List<String> labels, List<Scored> candidates, Settings settings) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<ClassificationMetrics> metrics = new ArrayList<>();
    for (Scored candidate : candidates) {
      if (candidate.predicted().length != actual.length) {
        throw new IllegalArgumentException(
            candidate.name()
                + " has "
                + candidate.predicted().length
                + " predictions for "
                + actual.length
                + " examples");
      }
      metrics.add(ClassificationMetrics.compute(actual, candidate.predicted(), labels));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingDouble((Integer i) -> -metrics.get(i).macroF1())
            .thenComparingDouble(i -> -metrics.get(i).accuracy())
            .thenComparingInt(i -> i));
    int classes = labels.size();
    Bootstrap bootstrap = new Bootstrap(settings.resamples(), settings.seed());
    int[] best = candidates.get(order.get(0)).predicted();
    List<Row> rows = new ArrayList<>();
    for (int position = 0; position < order.size(); position++) {
      int i = order.get(position);
      Scored candidate = candidates.get(i);
      Interval interval =
          bootstrap.macroF1(actual, candidate.predicted(), classes, settings.level());
      PairedComparison versusBest = null;
      boolean worse = false;
      if (position > 0) {
        versusBest =
            PairedTests.bootstrapMacroF1(
                actual,
                candidate.predicted(),
                best,
                classes,
                settings.resamples(),
                settings.seed(),
                settings.level());
        worse = versusBest.difference() < 0 && versusBest.pValue() < settings.alpha();
      }
      rows.add(
          new Row(position + 1, candidate.name(), metrics.get(i), interval, versusBest, worse));
    }
    return rows;
  }
}
