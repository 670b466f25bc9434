package io.streamtune.ingest;

/** Paces a loop to at most {@code perSecond} iterations a second (0 = unlimited). */
public final class RateLimiter {

  private final double nanosPerPermit;
  private long nextFreeNanos;

  public RateLimiter(double perSecond) {
    this.nanosPerPermit = perSecond <= 0 ? 0 : 1e9 / perSecond;
    this.nextFreeNanos = System.nanoTime();
  }

  public void acquire() throws InterruptedException {
    if (nanosPerPermit == 0) {
      return;
    }
    long now = System.nanoTime();
    long wait = nextFreeNanos - now;
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
    // Never bank more than one permit of idle time, so a pause is not followed by a burst.
    nextFreeNanos = Math.max(nextFreeNanos, now - (long) nanosPerPermit) + (long) nanosPerPermit;
  }
}
