package io.streamtune.preprocess.core.steps;

import java.util.concurrent.Executor;

/**
 * A step whose streaming fit ends now and then in a batch computation (incremental PCA's
 * eigendecomposition every batch of rows) that may run on another thread while the caller goes on
 * with the rows after it. The step's parameters change only in {@link #awaitFit}, on the caller's
 * thread: a row that must be transformed with the batch's result waits for it (the caller queues
 * it), so the outputs are those of the inline fit.
 */
public interface BackgroundFit {

  /** Runs the batch fits started from now on on {@code executor} (null: inline, the default). */
  void fitInBackground(Executor executor);

  /** Whether fitting {@code in} would start a batch fit in the background. */
  boolean startsFit(Frame in);

  /** Whether a batch fit was started and its result not applied yet. */
  boolean fitRunning();

  /** Whether the running batch fit has ended, so {@link #awaitFit} returns at once. */
  boolean fitDone();

  /** Waits for the running batch fit, if any, and applies its result. */
  void awaitFit();
}
