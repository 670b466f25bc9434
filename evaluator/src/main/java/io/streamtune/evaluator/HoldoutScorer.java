package io.streamtune.evaluator;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.Latency;
import io.streamtune.model.metrics.ProbabilityMetrics;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.spec.EvaluatorSpec;
import java.util.List;
import java.util.Objects;

/**
 * Scores one loaded model on a holdout snapshot: every metric of the report (one batch of
 * probabilities, predictions their argmax) and the latency of scoring one example at a time. The
 * bootstrap intervals are read from the resamples the gate's paired test uses, drawn once by the
 * caller once the champion's predictions are known.
 *
 * <p>Latency: the first {@code evaluator.latencySamples} holdout examples are each scored alone
 * ({@link ScoringModel#probabilities} of a one-row input, as serving answers one request), timed
 * with {@link System#nanoTime()} around that call only, after one untimed warm-up call (the first
 * call of a freshly loaded model pays for lazy initialisation). It measures the model, not the
 * holdout's batch scoring, and is as noisy as the machine the evaluator runs on.
 */
final class HoldoutScorer {

  /** What the report says of one version on one holdout snapshot. */
  record Scores(
      int[] actual,
      int[] predicted,
      ClassificationMetrics metrics,
      ProbabilityMetrics probabilities,
      Latency latency) {}

  private final int latencySamples;

  HoldoutScorer(EvaluatorSpec spec) {
    this.latencySamples = Objects.requireNonNull(spec, "spec").latencySamples();
  }

  /**
   * @param actual the holdout's labels as indexes of {@code model.labels()}
   */
  Scores score(ScoringModel model, HoldoutSet.Snapshot holdout, int[] actual) {
    float[][] probabilities = model.probabilities(holdout.inputs());
    int[] predicted = ScoringModel.argMax(probabilities);
    List<String> labels = model.labels();
    ClassificationMetrics metrics = ClassificationMetrics.compute(actual, predicted, labels);
    return new Scores(
        actual,
        predicted,
        metrics,
        ProbabilityMetrics.compute(actual, probabilities, labels.size()),
        latency(model, holdout));
  }

  private Latency latency(ScoringModel model, HoldoutSet.Snapshot holdout) {
    int samples = Math.min(latencySamples, holdout.size());
    if (samples == 0) {
      return null;
    }
    model.probabilities(single(holdout, 0)); // warm-up, not timed
    long[] nanos = new long[samples];
    for (int i = 0; i < samples; i++) {
      ScoringInputs one = single(holdout, i);
      long start = System.nanoTime();
      model.probabilities(one);
      nanos[i] = System.nanoTime() - start;
    }
    return Latency.ofNanos(nanos);
  }

  private static ScoringInputs single(HoldoutSet.Snapshot holdout, int i) {
    return ScoringInputs.single(
        holdout.ids().get(i), holdout.features()[i], holdout.texts().get(i));
  }
}
