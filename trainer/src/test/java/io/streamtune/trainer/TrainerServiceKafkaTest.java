package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.config.KafkaConnection;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The trainer against a real (embedded) broker and schema registry. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainerServiceKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir static Path storeRoot;

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static Topics topics() {
    return KAFKA.topics();
  }

  private static TrainerConfig config() {
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics());
    return TrainerConfig.of(kafka, TestSpecs.spec(), storeRoot)
        .withDevice(TrainerConfig.DeviceChoice.CPU)
        .withPollTimeout(Duration.ofMillis(100));
  }

  private static void produce(List<Example> examples) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<String, Example> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()))) {
      for (Example example : examples) {
        producer.send(
            new ProducerRecord<>(topics().name(Topics.EXAMPLES_TRAIN), example.getId(), example));
      }
    }
  }

  private static void produceGarbage(String key) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              topics().name(Topics.EXAMPLES_TRAIN),
              key,
              "not avro".getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static List<ModelVersion> readVersions(int atLeast) {
    return TopicReader.readAtLeast(
            KAFKA.bootstrapServers(),
            topics().name(Topics.MODELS),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), ModelVersion.class),
            atLeast,
            TIMEOUT)
        .stream()
        .peek(record -> assertThat(record.key()).isEqualTo("blobs"))
        .map(ConsumerRecord::value)
        .sorted(Comparator.comparingInt(ModelVersion::getVersion))
        .toList();
  }

  /** Runs a trainer until {@code versions} ModelVersions are on the topic, then stops it. */
  private static List<ModelVersion> runTrainerUntil(int versions) throws Exception {
    TrainerService service = new TrainerService(config());
    Thread loop = new Thread(service, "trainer-under-test");
    loop.start();
    try {
      return readVersions(versions);
    } finally {
      service.close();
      loop.join(30_000);
      assertThat(loop.isAlive()).isFalse();
    }
  }

  private static void assertAccurate(ModelVersion version, List<Example> data) {
    try (StoredModel model = new ModelStore(storeRoot).load(Path.of(version.getStorePath()))) {
      assertThat(model.metadata().version()).isEqualTo(version.getVersion());
      assertThat(model.metadata().featureNames()).containsExactly("x", "y", "z");
      int[] predicted = model.predict(TestSpecs.features(data));
      int correct = 0;
      for (int i = 0; i < predicted.length; i++) {
        correct += predicted[i] == data.get(i).getLabelIndex() ? 1 : 0;
      }
      assertThat((double) correct / predicted.length)
          .as("accuracy of v%d", version.getVersion())
          .isGreaterThan(0.9);
    }
  }

  /** Checks the versions' ranges tile each partition from 0 and returns where each ends. */
  private static Map<Integer, Long> assertContiguous(List<ModelVersion> versions) {
    Map<Integer, Long> next = new HashMap<>();
    for (ModelVersion version : versions) {
      for (OffsetRange range : version.getConsumedOffsets()) {
        assertThat(range.getTopic()).isEqualTo(topics().name(Topics.EXAMPLES_TRAIN));
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

  private static long rangeSize(List<ModelVersion> versions) {
    return versions.stream()
        .flatMap(v -> v.getConsumedOffsets().stream())
        .mapToLong(r -> r.getUntilOffset() - r.getFromOffset())
        .sum();
  }

  private static Map<TopicPartition, OffsetAndMetadata> committedOffsets() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
      return admin
          .listConsumerGroupOffsets("streamtune-trainer")
          .partitionsToOffsetAndMetadata()
          .get();
    }
  }

  @Test
  @Order(1)
  void trainsAVersionPerHundredExamplesWithExactOffsetRanges() throws Exception {
    List<Example> examples = TestSpecs.examples(300, 11);
    produceGarbage("broken-1"); // first, so every version-3 range covers it
    produce(examples);

    List<ModelVersion> versions = runTrainerUntil(3);

    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1, 2, 3);
    assertThat(versions).extracting(ModelVersion::getParentVersion).containsExactly(null, 1, 2);
    assertThat(versions).extracting(ModelVersion::getNewExamples).containsExactly(100L, 100L, 100L);
    assertThat(versions)
        .extracting(ModelVersion::getTotalExamplesConsumed)
        .containsExactly(100L, 200L, 300L);
    assertThat(versions)
        .extracting(ModelVersion::getExamplesTrainedOn)
        .containsExactly(100L, 200L, 300L);
    ModelVersion last = versions.get(2);
    assertThat(last.getLabels()).containsExactly("left", "right");
    assertThat(last.getFeatureCount()).isEqualTo(3);
    assertThat(last.getArchitecture()).isEqualTo("mlp[8]");
    assertThat(last.getEpochs()).isEqualTo(6);
    assertThat(last.getDevice()).isEqualTo("cpu()");
    assertThat(last.getMaxTransformVersion()).isEqualTo(1);
    assertThat(last.getTrainLoss()).isLessThan(versions.get(0).getTrainLoss());

    // 300 examples + 1 undecodable record, each offset in exactly one version.
    Map<Integer, Long> ends = assertContiguous(versions);
    assertThat(rangeSize(versions)).isEqualTo(301);
    Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets();
    ends.forEach(
        (partition, until) ->
            assertThat(
                    committed
                        .get(new TopicPartition(topics().name(Topics.EXAMPLES_TRAIN), partition))
                        .offset())
                .isEqualTo(until));

    for (ModelVersion version : versions) {
      assertAccurate(version, examples);
    }
    assertThat(new ModelStore(storeRoot).versions("blobs")).containsExactly(1, 2, 3);

    List<ConsumerRecord<String, DeadLetter>> deadLetters =
        TopicReader.readAtLeast(
            KAFKA.bootstrapServers(),
            topics().name(Topics.DEADLETTER),
            AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), DeadLetter.class),
            1,
            TIMEOUT);
    DeadLetter letter = deadLetters.get(0).value();
    assertThat(letter.getStage()).isEqualTo("trainer");
    assertThat(letter.getRecordId()).isEqualTo("broken-1");
    assertThat(letter.getOffset()).isZero();
    assertThat(letter.getReason()).contains("cannot decode an Example");
    assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString())
        .isEqualTo("not avro");
  }

  @Test
  @Order(2)
  void aRestartedTrainerResumesFromTheStoreAndTheCommittedOffsets() throws Exception {
    List<Example> more = TestSpecs.examples(100, 12);
    produce(more);

    List<ModelVersion> versions = runTrainerUntil(4);

    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1, 2, 3, 4);
    ModelVersion fourth = versions.get(3);
    assertThat(fourth.getParentVersion()).isEqualTo(3);
    assertThat(fourth.getNewExamples()).isEqualTo(100);
    // The buffer was restored from v3's snapshot: v4 trains on v3's 300 examples plus the 100 new.
    assertThat(fourth.getExamplesTrainedOn()).isEqualTo(400);
    assertContiguous(versions);
    assertThat(rangeSize(versions)).isEqualTo(401);
    assertAccurate(fourth, more);
  }
}
