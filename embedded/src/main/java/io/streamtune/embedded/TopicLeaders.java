package io.streamtune.embedded;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/** Waits until just-created topics can be written. */
public final class TopicLeaders {

  private TopicLeaders() {}

  /**
   * Returns once every partition of {@code topics} has a leader that answers requests.
   *
   * <p>Metadata names a leader a moment before the broker's replica manager acts as one. A produce
   * in that moment gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer whose later batch got
   * through then retries the first one as out of order until it expires: its records are lost
   * (KAFKA-15591). A list-offsets request is answered by the replica manager itself, so its success
   * closes that window.
   *
   * @throws KafkaException when that has not happened within {@code timeout}
   */
  public static void await(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable lastFailure = null;
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(topics).allTopicNames().get(millisLeft(deadline), MILLISECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        boolean allLed = true;
        for (TopicDescription description : descriptions.values()) {
          for (var partition : description.partitions()) {
            allLed &= partition.leader() != null && !partition.leader().isEmpty();
            partitions.put(
                new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
          }
        }
        if (allLed) {
          admin.listOffsets(partitions).all().get(millisLeft(deadline), MILLISECONDS);
          return;
        }
      } catch (ExecutionException e) {
        lastFailure = e.getCause(); // e.g. the topic is not in the metadata yet
      } catch (TimeoutException e) {
        // the broker's own error, where it gave one, says more than running out of time
        lastFailure = lastFailure == null ? e : lastFailure;
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaException(
            "topics " + topics + " have no leader that answers after " + timeout, lastFailure);
      }
      Thread.sleep(50);
    }
  }

  private static long millisLeft(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
