package io.streamtune.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic from the beginning, as tests need to check what a job wrote: String keys,
 * {@code read_committed} (records of aborted transactions are never returned), all partitions
 * assigned directly (no consumer group, nothing committed). The value deserializer is not closed.
 */
public final class TopicReader {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(10);

  private TopicReader() {}

  /**
   * Reads until at least {@code minCount} records arrived; returns every record read so far.
   *
   * @throws IllegalStateException naming the count seen when {@code timeout} passes first
   */
  public static <T> List<ConsumerRecord<String, T>> readAtLeast(
      String bootstrap,
      String topic,
      Deserializer<T> valueDeserializer,
      int minCount,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<String, T>> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = consumer(bootstrap, valueDeserializer)) {
      assignAll(consumer, topic, deadline);
      while (records.size() < minCount) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "expected at least "
                  + minCount
                  + " committed records on topic "
                  + topic
                  + " within "
                  + timeout
                  + " but saw "
                  + records.size());
        }
        consumer.poll(POLL).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Reads until no new record has arrived for {@code quietPeriod} (measured from the start when the
   * topic is empty); returns every record read.
   */
  public static <T> List<ConsumerRecord<String, T>> readAll(
      String bootstrap, String topic, Deserializer<T> valueDeserializer, Duration quietPeriod) {
    List<ConsumerRecord<String, T>> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = consumer(bootstrap, valueDeserializer)) {
      Duration topicWait = quietPeriod.compareTo(TOPIC_WAIT) > 0 ? quietPeriod : TOPIC_WAIT;
      assignAll(consumer, topic, System.nanoTime() + topicWait.toNanos());
      long lastArrival = System.nanoTime();
      while (System.nanoTime() - lastArrival < quietPeriod.toNanos()) {
        int before = records.size();
        consumer.poll(POLL).forEach(records::add);
        if (records.size() > before) {
          lastArrival = System.nanoTime();
        }
      }
    }
    return records;
  }

  /**
   * Reads every committed record up to the end offsets the topic has now (its last stable offsets,
   * under {@code read_committed}); records written meanwhile may or may not be included.
   */
  public static <T> List<ConsumerRecord<String, T>> readToEnd(
      String bootstrap, String topic, Deserializer<T> valueDeserializer) {
    List<ConsumerRecord<String, T>> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = consumer(bootstrap, valueDeserializer)) {
      assignAll(consumer, topic, System.nanoTime() + TOPIC_WAIT.toNanos());
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        consumer.poll(POLL).forEach(records::add);
      }
    }
    return records;
  }

  private static <T> KafkaConsumer<String, T> consumer(
      String bootstrap, Deserializer<T> valueDeserializer) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-topic-reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(
        config, new StringDeserializer(), new NotClosing<>(valueDeserializer));
  }

  /** Assigns every partition of the topic, waiting for the topic to exist until the deadline. */
  private static void assignAll(KafkaConsumer<String, ?> consumer, String topic, long deadline) {
    while (true) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, POLL.multipliedBy(10));
      } catch (TimeoutException notYetKnown) {
        partitions = List.of();
      }
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> assigned =
            partitions.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist (or has no partitions)");
      }
      sleep(POLL);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a topic", e);
    }
  }

  /** Keeps the caller's deserializer open when the consumer closes. */
  private record NotClosing<T>(Deserializer<T> inner) implements Deserializer<T> {
    @Override
    public T deserialize(String topic, byte[] data) {
      return inner.deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
      return inner.deserialize(topic, headers, data);
    }

    @Override
    public void close() {}
  }
}
