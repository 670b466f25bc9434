package io.streamtune.trainer;

/** The holdout's macro F1 with its 95% confidence interval. */
final class HoldoutCi {

  private HoldoutCi() {}

  static SteadyRounds.HoldoutScore bootstrap(int resamples, long seed) {
    // TODO replaced by io.streamtune.model.metrics.Bootstrap once merged from branch eval
    return SteadyRounds::pointScore;
  }
}
