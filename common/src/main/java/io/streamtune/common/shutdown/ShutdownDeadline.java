package io.streamtune.common.shutdown;

import java.time.Duration;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;

/**
 * The end of a service's shutdown budget ({@code service.shutdown.timeout.ms}): every client it
 * closes gets what is left of it, so a service stops in bounded time whatever state Kafka is in. A
 * Kafka producer closed without a timeout waits forever for in-flight sends and an open
 * transaction; a consumer closed without one waits up to 30 s for its coordinator.
 */
public final class ShutdownDeadline {

  private final long deadlineNanos;

  private ShutdownDeadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** The deadline {@code budget} from now. */
  public static ShutdownDeadline after(Duration budget) {
    return new ShutdownDeadline(System.nanoTime() + budget.toNanos());
  }

  /** What is left of the budget, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  public boolean passed() {
    return deadlineNanos - System.nanoTime() <= 0;
  }

  /**
   * Closes {@code consumer} within the remaining budget (an unreachable coordinator is given up on
   * at the deadline); errors are logged, not thrown.
   */
  public void close(Consumer<?, ?> consumer, String what, Logger log) {
    closeQuietly(() -> consumer.close(CloseOptions.timeout(remaining())), what, log);
  }

  /**
   * Closes {@code producer} within the remaining budget: sends still in flight at the deadline are
   * dropped and an open transaction is left to the broker to abort (the restart resumes from the
   * committed offsets); errors are logged, not thrown.
   */
  public void close(Producer<?, ?> producer, String what, Logger log) {
    closeQuietly(() -> producer.close(remaining()), what, log);
  }

  /** Closes anything else (no Kafka client inside); errors are logged, not thrown. */
  public static void closeQuietly(AutoCloseable closeable, String what, Logger log) {
    if (closeable == null) {
      return; // never opened: a start that failed before it
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("error closing the {}: {}", what, e.toString());
    }
  }
}
