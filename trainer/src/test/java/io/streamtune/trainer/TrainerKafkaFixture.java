package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One trainer's world on the embedded broker: its topics, spec, store and consumer group, with the
 * producing, running and offset-accounting checks the Kafka tests of the trainer share.
 */
final class TrainerKafkaFixture {

  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final EmbeddedKafkaExtension kafka;
  private final Topics topics;
  private final PipelineSpec spec;
  private final Path storeRoot;
  private final String consumerGroup;

  /** A trainer on the default topics and consumer group. */
  TrainerKafkaFixture(EmbeddedKafkaExtension kafka, PipelineSpec spec, Path storeRoot) {
    this(kafka, kafka.topics(), spec, storeRoot, TrainerConfig.CONSUMER_GROUP.defaultValue());
  }

  /** A trainer on topics of its own (created here) and its own consumer group. */
  TrainerKafkaFixture(
      EmbeddedKafkaExtension kafka,
      Topics topics,
      PipelineSpec spec,
      Path storeRoot,
      String consumerGroup) {
    this.kafka = kafka;
    this.topics = topics;
    this.spec = spec;
    this.storeRoot = storeRoot;
    this.consumerGroup = consumerGroup;
    kafka.createTopics(topics.allNames().toArray(String[]::new));
  }

  Topics topics() {
    return topics;
  }

  Path storeRoot() {
    return storeRoot;
  }

  String trainTopic() {
    return topics.name(Topics.EXAMPLES_TRAIN);
  }

  TrainerConfig config() {
    KafkaConnection connection =
        new KafkaConnection(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), topics);
    return TrainerConfig.of(connection, spec, storeRoot)
        .withConsumerGroup(consumerGroup)
        .withDevice(DeviceKind.CPU)
        .withPollTimeout(Duration.ofMillis(100));
  }

  void produce(List<Example> examples) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, Example> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(kafka.schemaRegistryUrl()))) {
      for (Example example : examples) {
        producer.send(new ProducerRecord<>(trainTopic(), example.getId(), example));
      }
    }
  }

  /** A record that is not Avro: the trainer must dead-letter it and still account its offset. */
  void produceGarbage(String key) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(trainTopic(), key, "not avro".getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** The committed ModelVersions on the models topic (at least {@code atLeast}), by version. */
  List<ModelVersion> readVersions(int atLeast) {
    return TopicReader.readAtLeast(
            kafka.bootstrapServers(),
            topics.name(Topics.MODELS),
            AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), ModelVersion.class),
            atLeast,
            TIMEOUT)
        .stream()
        .peek(record -> assertThat(record.key()).isEqualTo(spec.name()))
        .map(ConsumerRecord::value)
        .sorted(Comparator.comparingInt(ModelVersion::getVersion))
        .toList();
  }

  /** A trainer running on its own thread. */
  final class Running implements AutoCloseable {
    final TrainerService service;
    private final Thread loop;

    private Running(TrainerConfig config) {
      service = new TrainerService(config);
      loop = new Thread(service, "trainer-under-test-" + spec.name());
      loop.start();
    }

    /** Stops the trainer; a round in flight is abandoned without a commit, as by a crash. */
    @Override
    public void close() throws InterruptedException {
      service.close();
      loop.join(30_000);
      assertThat(loop.isAlive()).isFalse();
    }
  }

  Running start() {
    return new Running(config());
  }

  /** A trainer with a config derived from {@link #config()}. */
  Running start(TrainerConfig config) {
    return new Running(config);
  }

  /** Runs a trainer until {@code versions} ModelVersions are on the topic, then stops it. */
  List<ModelVersion> runTrainerUntil(int versions) throws Exception {
    try (Running running = start()) {
      return readVersions(versions);
    }
  }

  /** Checks the versions' ranges tile each partition from 0 and returns where each ends. */
  Map<Integer, Long> assertContiguous(List<ModelVersion> versions) {
    Map<Integer, Long> next = new HashMap<>();
    for (ModelVersion version : versions) {
      for (OffsetRange range : version.getConsumedOffsets()) {
        assertThat(range.getTopic()).isEqualTo(trainTopic());
        long expectedFrom = next.getOrDefault(range.getPartition(), 0L);
        assertThat(range.getFromOffset())
            .as(
                "v%d partition %d starts where the last range ended",
                version.getVersion(), range.getPartition())
            .isEqualTo(expectedFrom);
        assertThat(range.getUntilOffset()).isGreaterThan(range.getFromOffset());
        next.put(range.getPartition(), range.getUntilOffset());
      }
    }
    return next;
  }

  static long rangeSize(List<ModelVersion> versions) {
    return versions.stream()
        .flatMap(v -> v.getConsumedOffsets().stream())
        .mapToLong(r -> r.getUntilOffset() - r.getFromOffset())
        .sum();
  }

  Map<TopicPartition, OffsetAndMetadata> committedOffsets() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      return admin.listConsumerGroupOffsets(consumerGroup).partitionsToOffsetAndMetadata().get();
    }
  }

  /** The group's committed offsets are exactly where the versions' ranges end. */
  void assertCommittedAt(Map<Integer, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets();
    ends.forEach(
        (partition, until) ->
            assertThat(committed.get(new TopicPartition(trainTopic(), partition)).offset())
                .as("committed offset of partition %d", partition)
                .isEqualTo(until));
  }
}
