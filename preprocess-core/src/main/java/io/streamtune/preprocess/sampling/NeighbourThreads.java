package io.streamtune.preprocess.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * How many threads {@link AllNearestNeighbours} searches on. The queries are independent and each
 * answer is written to its own slot, so the result is the same whatever the count or the order in
 * which the threads run.
 *
 * <p>The count comes from the system property {@value #PROPERTY} (a whole number from 1 to {@value
 * #MAX_THREADS}; set it with {@code STREAMTUNE_JAVA_OPTS=-Dstreamtune.neighbour.threads=1} for the
 * launcher), by default the processors available to the JVM, at most {@value #DEFAULT_CAP}. Batch
 * rebalancing ({@code prepare}, {@code select}) is its only user today; code that already runs in
 * parallel (a Flink operator with parallel subtasks, say) should pass {@link #single()}.
 *
 * <p>The calling thread works too; the other threads come from one shared pool of daemon threads
 * that is created on first use and lets idle threads go after a minute.
 */
public final class NeighbourThreads {

  /** The system property that sets the default count. */
  public static final String PROPERTY = "streamtune.neighbour.threads";

  /** The default count is the processors available to the JVM, but at most this many. */
  public static final int DEFAULT_CAP = 8;

  static final int MAX_THREADS = 256;

  /** Below this many points per thread, starting threads costs more than the search. */
  static final int MIN_POINTS_PER_THREAD = 1_000;

  /** Work items are claimed in chunks: this many per thread, so faster threads take more. */
  private static final int CHUNKS_PER_THREAD = 8;

  private static final NeighbourThreads SINGLE = new NeighbourThreads(1);

  private static final class Pool {
    static final ExecutorService EXECUTOR =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "streamtune-neighbours");
              thread.setDaemon(true);
              return thread;
            });
  }

  private static RuntimeException awaitHelper(Future<?> helper, RuntimeException failure) {
    try {
      helper.get();
      return failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failure != null
          ? failure
          : new IllegalStateException("interrupted while searching neighbours", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (failure != null) {
        return failure;
      }
      return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
  }

  /** A task that handles the work items in [first, end). */
  @FunctionalInterface
  interface RangeTask {
    void run(int first, int end);
  }

  private final int count;

  private NeighbourThreads(int count) {
    this.count = count;
  }

  /** Exactly this many threads, the caller's included. */
  public static NeighbourThreads of(int count) {
    if (count < 1 || count > MAX_THREADS) {
      throw new IllegalArgumentException(
          "neighbour threads must be 1.." + MAX_THREADS + ", got " + count);
    }
    return count == 1 ? SINGLE : new NeighbourThreads(count);
  }

  /** The calling thread only. */
  public static NeighbourThreads single() {
    return SINGLE;
  }

  /**
   * {@value #PROPERTY} if set, else the available processors capped at {@value #DEFAULT_CAP}.
   *
   * @throws IllegalArgumentException naming the property and the allowed values when it is not a
   *     whole number from 1 to {@value #MAX_THREADS}
   */
  public static NeighbourThreads configured() {
    return of(parse(System.getProperty(PROPERTY)));
  }

  static int parse(String value) {
    if (value == null || value.isBlank()) {
      return Math.min(DEFAULT_CAP, Runtime.getRuntime().availableProcessors());
    }
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed >= 1 && parsed <= MAX_THREADS) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed values
    }
    throw new IllegalArgumentException(
        PROPERTY + " must be a whole number from 1 to " + MAX_THREADS + ", got '" + value + "'");
  }

  public int count() {
    return count;
  }

  /** This count, fewer when there are too few points to give each thread enough work. */
  NeighbourThreads forPoints(int points) {
    int useful = Math.max(1, points / MIN_POINTS_PER_THREAD);
    return useful >= count ? this : of(useful);
  }

  /**
   * Runs work items [0, items): each thread gets its own task from {@code perThread} (its scratch
   * space) and claims chunks of items until none are left. Returns when every item is done;
   * rethrows the first failure.
   */
  void run(int items, Supplier<RangeTask> perThread) {
    if (count == 1 || items <= 1) {
      perThread.get().run(0, items);
      return;
    }
    int chunk = Math.max(1, items / (count * CHUNKS_PER_THREAD));
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          RangeTask task = null;
          for (int first = next.getAndAdd(chunk); first < items; first = next.getAndAdd(chunk)) {
            if (task == null) {
              task = perThread.get();
            }
            task.run(first, Math.min(items, first + chunk));
          }
        };
    List<Future<?>> helpers = new ArrayList<>();
    List<AtomicBoolean> claimed = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      AtomicBoolean start = new AtomicBoolean();
      claimed.add(start);
      helpers.add(
          Pool.EXECUTOR.submit(
              () -> {
                if (start.compareAndSet(false, true)) {
                  worker.run();
                }
              }));
    }
    RuntimeException failure = null;
    try {
      worker.run();
    } catch (RuntimeException | Error e) {
      next.set(items); // the helpers stop at their next claim
      throw e;
    } finally {
      for (int i = 0; i < helpers.size(); i++) {
        if (!claimed.get(i).compareAndSet(false, true)) {
          failure = awaitHelper(helpers.get(i), failure); // it started: wait for its chunks
        } // else still queued (the pool is busy elsewhere): it will find nothing to do
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
