package io.streamtune.dashboard.projection;

/**
 * What a t-SNE run tells its caller while it works, and how the caller stops it: the dashboard
 * shows the progress of a long map and drops a run whose holdout has been replaced.
 */
public interface TsneProgress {

  /** Never reports, never cancels. */
  TsneProgress NONE = (iteration, iterations, klDivergence) -> {};

  /**
   * Called every {@link Tsne#CHECK_EVERY} iterations and at the end.
   *
   * @param iteration the iterations done so far
   * @param iterations the iterations planned (the run may stop earlier once it no longer improves)
   * @param klDivergence the Kullback-Leibler divergence of the map now (exaggerated in the first
   *     phase, as scikit-learn reports it)
   */
  void report(int iteration, int iterations, double klDivergence);

  /** Polled every iteration; {@code true} stops the run with a CancellationException. */
  default boolean cancelRequested() {
    return false;
  }
}
