package io.streamtune.trainer;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a version's ModelVersion and commits its consumer offsets in one Kafka transaction, so
 * a {@code read_committed} reader of the models topic sees a version if and only if the trainer
 * will resume after its ranges.
 */
final class KafkaVersionSink implements VersionSink {

  private final String modelsTopic;
  private final String metricsTopic;
  private final String modelId;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final Properties offsetsConsumer;
  private final Supplier<ConsumerGroupMetadata> group;
  private final Runnable beforeCommit;
  private boolean transactionsInitialized;

  /**
   * @param producerProperties of a transactional producer
   * @param consumerProperties of the trainer's consumer (group, bootstrap, deserializers)
   * @param group the consumer's group metadata, for the offsets sent in the transaction
   * @param beforeCommit runs before each transaction: dead letters for offsets it covers must be
   *     durable first
   */
  KafkaVersionSink(
      String modelsTopic,
      String metricsTopic,
      String modelId,
      KafkaConnection kafka,
      Properties producerProperties,
      Properties consumerProperties,
      Supplier<ConsumerGroupMetadata> group,
      Runnable beforeCommit) {
    this.modelsTopic = modelsTopic;
    this.metricsTopic = metricsTopic;
    this.modelId = modelId;
    this.offsetsConsumer = new Properties();
    offsetsConsumer.putAll(consumerProperties);
    // only asks for the group's offsets: no join, so not as the static member
    offsetsConsumer.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    this.group = group;
    this.beforeCommit = beforeCommit;
    this.producer =
        new KafkaProducer<>(
            producerProperties,
            new StringSerializer(),
            AvroSerdes.valueSerializer(kafka.schemaRegistryUrl(), kafka.registrySettings()));
  }

  /**
   * Fences a predecessor with this transactional id and ends its open transaction (aborted, or
   * completed if it had asked to commit); once only.
   */
  @Override
  public synchronized void start() {
    if (!transactionsInitialized) {
      producer.initTransactions();
      transactionsInitialized = true;
    }
  }

  @Override
  public void publish(ModelVersion version) {
    publish(version, List.of());
  }

  @Override
  public void publish(ModelVersion version, List<EvaluationReport> reports) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (OffsetRange range : version.getConsumedOffsets()) {
      commit.put(
          new TopicPartition(range.getTopic(), range.getPartition()),
          new OffsetAndMetadata(range.getUntilOffset()));
    }
    beforeCommit.run();
    producer.beginTransaction();
    try {
      producer.send(new ProducerRecord<>(modelsTopic, modelId, version));
      for (EvaluationReport report : reports) {
        producer.send(new ProducerRecord<>(metricsTopic, modelId, report));
      }
      producer.sendOffsetsToTransaction(commit, group.get());
      producer.commitTransaction();
    } catch (RuntimeException e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException abortError) {
        e.addSuppressed(abortError);
      }
      throw e;
    }
  }

  @Override
  public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
    // A trainer killed inside its transaction left offsets pending for the group, and a
    // read_committed offset fetch waits for them until that transaction times out (60 s; the fetch
    // gave up after 30 s and the restarted trainer exited). Fencing the predecessor first ends it.
    start();
    Map<TopicPartition, Long> committed = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> offsets = new KafkaConsumer<>(offsetsConsumer)) {
      offsets
          .committed(partitions, Duration.ofSeconds(30))
          .forEach(
              (partition, offset) -> {
                if (offset != null) {
                  committed.put(partition, offset.offset());
                }
              });
    }
    return committed;
  }

  @Override
  public void close() {
    producer.close();
  }

  @Override
  public void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void abort() {
    // a close from another thread with no time left fails a blocked initTransactions,
    // commitTransaction or send at once; the open transaction is aborted by the broker
    producer.close(Duration.ZERO);
  }
}
