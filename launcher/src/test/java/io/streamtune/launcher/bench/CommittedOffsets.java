package io.streamtune.launcher.bench;

import io.streamtune.common.config.KafkaConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** How far the benchmarks' output topics are committed: what both job benchmarks poll. */
final class CommittedOffsets {

  private CommittedOffsets() {}

  /**
   * A read_committed byte consumer; one per benchmark, so polling costs the measured JVM little.
   */
  static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection kafka) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, List<String> topicNames) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topicNames) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    return partitions;
  }

  /** Sum of the read_committed end offsets (LSO): records plus control markers. */
  static long endOffsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
  }
}
