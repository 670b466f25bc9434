package io.streamtune.trainer;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fitted transforms the preprocessing job published for this pipeline (the compacted {@code
 * transforms} topic, read from the beginning without a consumer group), caught up before each
 * version is stored, so that the version carries the transform its examples came from. Keeps the
 * newest {@value #KEPT} versions.
 */
final class TransformCatalog implements TransformSource, AutoCloseable {

  static final int KEPT = 32;
  private static final Logger LOG = LoggerFactory.getLogger(TransformCatalog.class);

  private final String topic;
  private final String pipeline;
  private final Duration catchUpTimeout;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<TransformVersion> deserializer;
  private final NavigableMap<Long, TransformVersion> published = new TreeMap<>();
  private boolean assigned;

  TransformCatalog(KafkaConnection kafka, String topic, String pipeline, Duration catchUpTimeout) {
    this.topic = topic;
    this.pipeline = pipeline;
    this.catchUpTimeout = catchUpTimeout;
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + pipeline + "-transforms");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.deserializer =
        AvroSerdes.valueDeserializer(
            kafka.schemaRegistryUrl(), kafka.registrySettings(), TransformVersion.class);
  }

  @Override
  public Optional<TransformVersion> transformFor(long maxTransformVersion) {
    try {
      catchUp();
    } catch (KafkaException e) {
      LOG.warn("model {}: cannot read {}: {}", pipeline, topic, e.toString());
    }
    return TransformSource.choose(published, maxTransformVersion);
  }

  /** Reads up to the end offsets as they are now, for at most the catch-up timeout. */
  private void catchUp() {
    if (!assigned) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, catchUpTimeout);
      if (infos == null || infos.isEmpty()) {
        return;
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      assigned = true;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), catchUpTimeout);
    long deadline = System.nanoTime() + catchUpTimeout.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
        && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        take(record);
      }
    }
  }

  private void take(ConsumerRecord<String, byte[]> record) {
    if (!pipeline.equals(record.key()) || record.value() == null) {
      return;
    }
    try {
      TransformVersion version = deserializer.deserialize(record.topic(), record.value());
      published.put(version.getVersion(), version);
      while (published.size() > KEPT) {
        published.pollFirstEntry();
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "model {}: ignoring {}-{}@{}: not a TransformVersion ({})",
          pipeline,
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }

  void close(Duration timeout) {
    consumer.close(CloseOptions.timeout(timeout));
  }
}
