package io.streamtune.evaluator;

import io.streamtune.model.metrics.Bootstrap;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.Interval;
import io.streamtune.model.metrics.Latency;
import io.streamtune.model.metrics.ProbabilityMetrics;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.spec.EvaluatorSpec;
import java.util.List;
import java.util.Objects;

/**
 * Scores one loaded model on a holdout snapshot: every metric of the report (one batch of
 * probabilities, predictions their argmax), the seeded bootstrap intervals, and the latency of
 * scoring one example at a time.
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
      Interval accuracyInterval,
      Interval macroF1Interval,
      Latency latency) {}

  private final int bootstrapResamples;
  private final double confidenceLevel;
  private final long seed;
  private final int latencySamples;

  HoldoutScorer(EvaluatorSpec spec) {
    Objects.requireNonNull(spec, "spec");
    this.bootstrapResamples = spec.bootstrapResamples();
    this.confidenceLevel = spec.confidenceLevel();
    this.seed = spec.seed();
    this.latencySamples = spec.latencySamples();
  }

  /**
   * @param actual the holdout's labels as indexes of {@code model.labels()}
   */
  Scores score(ScoringModel model, HoldoutSet.Snapshot holdout, int[] actual) {
    float[][] probabilities = model.probabilities(holdout.inputs());
    int[] predicted = ScoringModel.argMax(probabilities);
    List<String> labels = model.labels();
    ClassificationMetrics metrics = ClassificationMetrics.compute(actual, predicted, labels);
    Bootstrap bootstrap = new Bootstrap(bootstrapResamples, seed);
    return new Scores(
        actual,
        predicted,
        metrics,
        ProbabilityMetrics.compute(actual, probabilities, labels.size()),
        bootstrap.accuracy(actual, predicted, confidenceLevel),
        bootstrap.macroF1(actual, predicted, labels.size(), confidenceLevel),
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
