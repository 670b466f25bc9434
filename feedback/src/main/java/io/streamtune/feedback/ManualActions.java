package io.streamtune.feedback;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.TopicDef;
import io.streamtune.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a person does by hand, with plain Kafka clients: roll a model back to a published version
 * ({@code streamtune rollback --to V}), ask for a training round ({@code streamtune retrain}).
 */
public final class ManualActions {

  /** How long reading a topic to its end may take. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private ManualActions() {}

  /** A rollback that was written: the version promoted again and its report. */
  public record Rollback(ModelVersion restored, EvaluationReport report) {}

  /**
   * Promotes {@code version} of {@code modelId} again: writes its ModelVersion record (as the
   * trainer published it on {@code models}, else as last promoted) to {@code models.promoted} and a
   * rollback report (reason {@code manual rollback to vV}) to {@code metrics}, in one transaction.
   *
   * @throws IllegalArgumentException when {@code version} was never published
   */
  public static Rollback rollback(KafkaConnection kafka, String modelId, int version, Clock clock) {
    Topics topics = kafka.topics();
    List<ModelVersion> promoted = read(kafka, topics, Topics.MODELS_PROMOTED, ModelVersion.class);
    List<ModelVersion> published = read(kafka, topics, Topics.MODELS, ModelVersion.class);
    Optional<ModelVersion> target =
        last(published, modelId, version).or(() -> last(promoted, modelId, version));
    if (target.isEmpty()) {
      throw new IllegalArgumentException(
          "model "
              + modelId
              + " has no version "
              + version
              + " on "
              + topics.name(Topics.MODELS)
              + " or "
              + topics.name(Topics.MODELS_PROMOTED)
              + "; published versions: "
              + published.stream()
                  .filter(v -> v.getModelId().equals(modelId))
                  .map(v -> "v" + v.getVersion())
                  .distinct()
                  .toList());
    }
    Integer champion =
        promoted.stream()
            .filter(v -> v.getModelId().equals(modelId))
            .reduce((a, b) -> b)
            .map(ModelVersion::getVersion)
            .orElse(null);
    EvaluationReport report =
        OnlineReports.rollback(
            target.get(), champion, 0, 0, "manual rollback to v" + version, clock.instant());
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "streamtune-rollback-" + UUID.randomUUID());
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            AvroSerdes.valueSerializer(kafka.schemaRegistryUrl(), kafka.registrySettings()))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), modelId, target.get()));
      producer.send(new ProducerRecord<>(topics.name(Topics.METRICS), modelId, report));
      producer.commitTransaction();
    }
    return new Rollback(target.get(), report);
  }

  /** Writes a RetrainRequest (trigger MANUAL, detector {@code manual}) for {@code modelId}. */
  public static RetrainRequest retrain(
      KafkaConnection kafka, String modelId, String reason, Clock clock) {
    return retrain(kafka, modelId, reason, clock, RetrainCause.MANUAL);
  }

  /**
   * Writes a RetrainRequest with {@code cause} (MANUAL, or RESELECT: the round also selects the
   * backbone again under {@code trainer.backbone: auto}), detector {@code manual}.
   */
  public static RetrainRequest retrain(
      KafkaConnection kafka, String modelId, String reason, Clock clock, RetrainCause cause) {
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setModelId(modelId)
            .setRequestedAt(clock.instant())
            .setTrigger(cause)
            .setDetector("manual")
            .setModelVersion(null)
            .setStatistic(0)
            .setThreshold(0)
            .setFeature(null)
            .setWindowFrom(0)
            .setWindowTo(0)
            .setReason(reason == null ? "" : reason)
            .build();
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<String, RetrainRequest> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            AvroSerdes.<RetrainRequest>valueSerializer(
                kafka.schemaRegistryUrl(), kafka.registrySettings()))) {
      producer.send(new ProducerRecord<>(kafka.topics().name(Topics.CONTROL), modelId, request));
      producer.flush();
    }
    return request;
  }

  private static Optional<ModelVersion> last(List<ModelVersion> versions, String modelId, int v) {
    ModelVersion found = null;
    for (ModelVersion candidate : versions) {
      if (candidate.getModelId().equals(modelId) && candidate.getVersion() == v) {
        found = candidate;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Every record of {@code topic}, from its beginning to its end now, partition by partition. */
  static <T extends SpecificRecord> List<T> read(
      KafkaConnection kafka, Topics topics, TopicDef<String, ?> topic, Class<T> type) {
    String name = topics.name(topic);
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<T> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(
                kafka.schemaRegistryUrl(), kafka.registrySettings(), type))) {
      List<PartitionInfo> infos = consumer.partitionsFor(name, READ_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        return records;
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(name, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + name + " to its end within " + READ_TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            records.add(record.value());
          }
        }
      }
    }
    return records;
  }
}
