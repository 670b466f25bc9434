package io.streamtune.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-lived service on the calling thread until SIGTERM / Ctrl-C closes it, within a
 * bounded time: the shutdown hook closes the service (which stops its loop and closes its clients
 * within {@code service.shutdown.timeout.ms}), then waits for the loop to return for at most that
 * budget plus {@link #GRACE}; the JVM exits when the hook returns, whatever is still blocked.
 */
final class ServiceRunner {

  /** Beyond the service's own budget: the loop's last log line, thread hand-over. */
  static final Duration GRACE = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /**
   * @param shutdownTimeout the service's budget to stop ({@code service.shutdown.timeout.ms})
   */
  static <S extends Runnable & AutoCloseable> int runUntilShutdown(
      String name, S service, Duration shutdownTimeout) {
    CountDownLatch returned = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> stop(name, service, shutdownTimeout, returned),
                "streamtune-" + name + "-shutdown"));
    try {
      service.run();
    } finally {
      returned.countDown();
    }
    return 0;
  }

  private static void stop(
      String name, AutoCloseable service, Duration shutdownTimeout, CountDownLatch returned) {
    long start = System.nanoTime();
    LOG.info(
        "shutdown requested, stopping the {} (at most {} ms)", name, shutdownTimeout.toMillis());
    try {
      service.close();
      // Not a join of the loop thread: once run() returns, that thread calls System.exit, which
      // blocks while this hook runs.
      long left = shutdownTimeout.plus(GRACE).toNanos() - (System.nanoTime() - start);
      if (!returned.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        LOG.warn(
            "the {} did not stop within {} ms; exiting anyway",
            name,
            shutdownTimeout.plus(GRACE).toMillis());
        return;
      }
      LOG.info("the {} stopped {} ms after the shutdown request", name, millisSince(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("the {} did not stop cleanly: {}", name, e.toString());
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
