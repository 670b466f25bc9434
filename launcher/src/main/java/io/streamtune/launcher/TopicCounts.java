package io.streamtune.launcher;

import static io.streamtune.preprocess.media.MediaAugmenter.COPY_MARK;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.topics.TopicDef;
import io.streamtune.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Committed record counts of topics, for reconciling {@code produced = train + holdout + dead
 * letters}. Transactional topics hold commit markers, so offsets cannot be summed: the records are
 * read ({@code read_committed}) and counted.
 */
record TopicCounts(long raw, long train, long augmented, long holdout, long deadLetters) {

  /** Records of the raw topic accounted for: augmented copies are extra, not raw records. */
  long prepared() {
    return train - augmented + holdout + deadLetters;
  }

  static TopicCounts read(KafkaConnection kafka) {
    Topics topics = kafka.topics();
    long[] train = count(kafka, topics, Topics.EXAMPLES_TRAIN);
    return new TopicCounts(
        count(kafka, topics, Topics.RAW)[0],
        train[0],
        train[1],
        count(kafka, topics, Topics.EXAMPLES_HOLDOUT)[0],
        count(kafka, topics, Topics.DEADLETTER)[0]);
  }

  /** Committed records, and how many of them are augmented copies (keyed {@code <id>#aug<k>}). */
  private static long[] count(KafkaConnection kafka, Topics topics, TopicDef<?, ?> topic) {
    Properties props = kafka.clientProperties();
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
      long copies = 0;
      while (!reached(consumer, end)) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          count++;
          if (record.key() != null
              && new String(record.key(), StandardCharsets.UTF_8).contains(COPY_MARK)) {
            copies++;
          }
        }
      }
      return new long[] {count, copies};
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  @Override
  public String toString() {
    if (augmented > 0) {
      return String.format(
          java.util.Locale.ROOT,
          "raw %,d -> examples.train %,d (%,d originals + %,d augmented copies) + examples.holdout"
              + " %,d + deadletter %,d = %,d",
          raw,
          train,
          train - augmented,
          augmented,
          holdout,
          deadLetters,
          prepared());
    }
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
