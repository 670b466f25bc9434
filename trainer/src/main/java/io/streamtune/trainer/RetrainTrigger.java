package io.streamtune.trainer;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decides when to train the next version: after {@code retrainEvery} new examples, or when {@code
 * maxWaitSeconds} (if positive) have passed since the first new example after the last round.
 *
 * <p>Timing from the first new example (rather than from the last round) means a lone example after
 * a quiet hour waits up to maxWait for company instead of triggering a round by itself, and still
 * bounds how long any consumed example waits to be trained on. Since that first example arrived
 * after the last round, at least maxWait has also passed since the last round.
 */
public final class RetrainTrigger {

  /** Why a round was triggered (logged with the round). */
  public enum Reason {
    COUNT,
    MAX_WAIT,
    /** A message on the control topic asked for a round. */
    CONTROL
  }

  private final int retrainEvery;
  private final long maxWaitMillis;
  private final LongSupplier clockMillis;
  private long newExamples;
  private long firstNewExampleAtMillis;
  private boolean forced;
  private long forcedAtCount = -1;

  /**
   * @param clockMillis a monotonic millisecond clock (tests inject their own)
   */
  public RetrainTrigger(int retrainEvery, int maxWaitSeconds, LongSupplier clockMillis) {
    if (retrainEvery < 1) {
      throw new IllegalArgumentException("retrainEvery must be >= 1, got " + retrainEvery);
    }
    if (maxWaitSeconds < 0) {
      throw new IllegalArgumentException("maxWaitSeconds must be >= 0, got " + maxWaitSeconds);
    }
    this.retrainEvery = retrainEvery;
    this.maxWaitMillis = maxWaitSeconds * 1000L;
    this.clockMillis = clockMillis;
  }

  /** A trigger on the JVM's monotonic clock. */
  public static RetrainTrigger withSystemClock(int retrainEvery, int maxWaitSeconds) {
    return new RetrainTrigger(retrainEvery, maxWaitSeconds, () -> System.nanoTime() / 1_000_000);
  }

  /** Counts one new training example. */
  public void exampleAdded() {
    if (newExamples == 0) {
      firstNewExampleAtMillis = clockMillis.getAsLong();
    }
    newExamples++;
  }

  public long newExamplesSinceLastRound() {
    return newExamples;
  }

  /** Asks for a round at the next check, whatever the count and the clock say. */
  public void force() {
    forced = true;
  }

  /**
   * Asks for a round once {@code examples} more new examples have arrived (after a concept drift
   * the buffer forgot the old concept, and the round waits for some of the new one).
   */
  public void forceAfter(long examples) {
    forcedAtCount = newExamples + Math.max(0, examples);
  }

  /** Why a round should start now, or empty when it should not. */
  public Optional<Reason> due() {
    if (forced || (forcedAtCount >= 0 && newExamples >= forcedAtCount)) {
      return Optional.of(Reason.CONTROL);
    }
    if (newExamples >= retrainEvery) {
      return Optional.of(Reason.COUNT);
    }
    if (maxWaitMillis > 0
        && newExamples > 0
        && clockMillis.getAsLong() - firstNewExampleAtMillis >= maxWaitMillis) {
      return Optional.of(Reason.MAX_WAIT);
    }
    return Optional.empty();
  }

  public boolean shouldFire() {
    return due().isPresent();
  }

  /** A round took the examples so far: start counting again. */
  public void roundStarted() {
    newExamples = 0;
    forced = false;
    forcedAtCount = -1;
  }
}
