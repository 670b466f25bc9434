package io.streamtune.launcher;

import io.streamtune.schemas.config.KafkaConnection;
import io.streamtune.schemas.topics.TopicDef;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Committed record counts of topics, for reconciling {@code produced = train + holdout + dead
 * letters}. Transactional topics hold commit markers, so offsets cannot be summed: the records are
 * read ({@code read_committed}) and counted.
 */
record TopicCounts(long raw, long train, long holdout, long deadLetters) {

  long prepared() {
    return train + holdout + deadLetters;
  }

  static TopicCounts read(KafkaConnection kafka) {
    Topics topics = kafka.topics();
    return new TopicCounts(
        count(kafka, topics, Topics.RAW),
        count(kafka, topics, Topics.EXAMPLES_TRAIN),
        count(kafka, topics, Topics.EXAMPLES_HOLDOUT),
        count(kafka, topics, Topics.DEADLETTER));
  }

  private static long count(KafkaConnection kafka, Topics topics, TopicDef<?, ?> topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String name = topics.name(topic);
      Set<TopicPartition> partitions =
          consumer.partitionsFor(name, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(name, p.partition()))
              .collect(Collectors.toSet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed, end offsets are the last stable offsets: read until every position
      // reaches them.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long count = 0;
      while (!reached(consumer, end)) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "raw %,d -> examples.train %,d + examples.holdout %,d + deadletter %,d = %,d",
        raw,
        train,
        holdout,
        deadLetters,
        prepared());
  }
}
