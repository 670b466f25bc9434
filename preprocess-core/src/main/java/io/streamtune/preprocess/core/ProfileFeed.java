package io.streamtune.preprocess.core;

import io.streamtune.preprocess.core.steps.ReferenceProfile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Feeds the reference profile its training rows, inline or on another thread: there in batches, one
 * after the other whatever the executor, so the profile sees the rows in arrival order and ends up
 * bit for bit as if fed inline (its sketches reseed from the number of rows, not from the thread).
 * Every read of the profile comes after {@link #flush}, which waits for the rows given so far. At
 * most {@value #BATCHES_IN_FLIGHT} batches wait for the other thread: a slow one holds the caller
 * back instead of rows piling up until the next checkpoint. Why: its 17 sketch updates a row were a
 * tenth of the streaming job's critical thread.
 */
final class ProfileFeed {

  private static final int BATCH = 512;
  static final int BATCHES_IN_FLIGHT = 4;

  private Executor executor;
  private ReferenceProfile batchProfile;
  private List<ValidatedRow> batch = new ArrayList<>();
  // the batches handed over and not yet awaited, oldest first; each runs after the one before it
  private final Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();

  /** From now on rows go to {@code newExecutor}; null: inline. */
  void inBackground(Executor newExecutor) {
    flush();
    executor = newExecutor;
  }

  /**
   * Adds a training row to {@code profile} (nothing when there is none; always the same profile for
   * one transform). The row's values must not change afterwards: a background feed reads them
   * later.
   */
  void add(ReferenceProfile profile, ValidatedRow row) {
    if (profile == null) {
      return;
    }
    if (executor == null) {
      profile.add(row);
      return;
    }
    batchProfile = profile;
    batch.add(row);
    if (batch.size() >= BATCH) {
      submit();
    }
  }

  /** Waits until every row given so far is in its profile; then the profile may be read. */
  void flush() {
    if (!batch.isEmpty()) {
      submit();
    }
    while (!inFlight.isEmpty()) {
      await(inFlight.removeFirst());
    }
  }

  private void submit() {
    List<ValidatedRow> rows = batch;
    ReferenceProfile profile = batchProfile;
    batch = new ArrayList<>(BATCH);
    Runnable feed = () -> rows.forEach(profile::add);
    inFlight.addLast(
        inFlight.isEmpty()
            ? CompletableFuture.runAsync(feed, executor)
            : inFlight.getLast().thenRunAsync(feed, executor));
    while (inFlight.size() > BATCHES_IN_FLIGHT) {
      await(inFlight.removeFirst());
    }
  }

  private static void await(CompletableFuture<Void> done) {
    try {
      done.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}
