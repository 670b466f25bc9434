package io.streamtune.preprocess;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole job on a local Flink MiniCluster against the embedded broker and registry. */
class PreprocessJobKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int VALID = 200;

  /** A produced record: its bytes and where the broker put them. */
  private record Produced(String key, byte[] value, RecordMetadata metadata) {}

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void everyRawRecordEndsUpAsExactlyOneExampleOrDeadLetter() throws Exception {
    PipelineSpec spec = TestSpecs.credit();
    Topics topics = KAFKA.topics();
    String rawTopic = topics.name(Topics.RAW);
    String registry = KAFKA.schemaRegistryUrl();

    Map<String, Produced> produced = new HashMap<>();
    Serializer<RawRecord> rawSerializer = AvroSerdes.valueSerializer(registry);
    try (KafkaProducer<String, byte[]> producer = JobTestKit.byteProducer(KAFKA)) {
      Random random = new Random(11);
      String[] homes = {"owner", "rent", "rent", null, "castle"};
      for (int i = 0; i < VALID; i++) {
        String id = "rec-" + i;
        RawRecord record =
            tabular(
                id,
                random.nextDouble() < 0.3 ? "bad" : "good",
                "Income",
                i % 17 == 0 ? null : 50 + random.nextDouble() * 200,
                "Age",
                i % 11 == 0 ? "" : String.valueOf(18 + random.nextInt(60)),
                "Home",
                homes[i % homes.length]);
        send(producer, produced, rawTopic, id, rawSerializer.serialize(rawTopic, record));
      }
      RawRecord text =
          RawRecord.newBuilder()
              .setId("bad-text")
              .setEventTime(Instant.now())
              .setSource("test")
              .setLabel("good")
              .setPayload(TextPayload.newBuilder().setText("not a row").build())
              .setAttributes(Map.of())
              .build();
      send(producer, produced, "bad-text", text, rawSerializer, rawTopic);
      send(
          producer,
          produced,
          "bad-number",
          tabular("bad-number", "good", "Income", "abc", "Home", "rent"),
          rawSerializer,
          rawTopic);
      send(
          producer,
          produced,
          "bad-nolabel",
          tabular("bad-nolabel", null, "Income", 10.0),
          rawSerializer,
          rawTopic);
      // one 950 KB cell: its dead letter once went over the broker's limit and the job died
      send(
          producer,
          produced,
          "bad-huge",
          tabular("bad-huge", "good", "Income", "x".repeat(950_000), "Home", "rent"),
          rawSerializer,
          rawTopic);
      send(
          producer,
          produced,
          rawTopic,
          "garbage",
          "definitely not avro".getBytes(StandardCharsets.UTF_8));
    }

    Splitter splitter = Splitter.of(spec.split());
    Set<String> expectedTrain = new HashSet<>();
    Set<String> expectedHoldout = new HashSet<>();
    for (int i = 0; i < VALID; i++) {
      String id = "rec-" + i;
      (splitter.splitOf(id) == Split.TRAIN ? expectedTrain : expectedHoldout).add(id);
    }

    KafkaConnection kafka = new KafkaConnection(KAFKA.bootstrapServers(), registry, topics);
    PreprocessConfig config =
        PreprocessConfig.of(kafka, spec)
            .withConsumerGroup("preprocess-kafka-test")
            .withCheckpointInterval(Duration.ofMillis(500))
            .withRestartAttempts(1)
            .withTransformPublishEvery(50);
    JobClient job =
        PreprocessJob.start(StreamExecutionEnvironment.createLocalEnvironment(), config);
    try {
      List<ConsumerRecord<String, Example>> train =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_TRAIN), Example.class, expectedTrain.size());
      List<ConsumerRecord<String, Example>> holdout =
          JobTestKit.read(
              KAFKA, topics.name(Topics.EXAMPLES_HOLDOUT), Example.class, expectedHoldout.size());
      List<ConsumerRecord<String, DeadLetter>> deadLetters =
          JobTestKit.read(KAFKA, topics.name(Topics.DEADLETTER), DeadLetter.class, 5);

      // nothing lost, nothing twice: produced = train + holdout + dead-lettered
      assertThat(train.size() + holdout.size() + deadLetters.size()).isEqualTo(produced.size());
      assertThat(JobTestKit.uniqueKeys(train)).isEqualTo(expectedTrain);
      assertThat(JobTestKit.uniqueKeys(holdout)).isEqualTo(expectedHoldout);
      assertThat((double) expectedHoldout.size() / VALID).isBetween(0.1, 0.3);

      List<Example> examples = new ArrayList<>();
      train.forEach(r -> examples.add(r.value()));
      holdout.forEach(r -> examples.add(r.value()));
      for (Example example : examples) {
        assertThat(example.getFeatures()).hasSize(spec.featureNames().size());
        assertThat(example.getFeatures()).allMatch(Float::isFinite);
        assertThat(example.getSourceId()).isEqualTo(example.getId());
        assertThat(example.getLabelIndex())
            .isEqualTo(spec.label().classes().indexOf(example.getLabel()));
        assertThat(example.getSynthetic()).isFalse();
      }
      assertThat(train).allMatch(r -> r.value().getSplit() == Split.TRAIN);
      assertThat(holdout).allMatch(r -> r.value().getSplit() == Split.HOLDOUT);
      // each training row was fitted exactly once: versions 1..n, each once
      assertThat(train.stream().map(r -> r.value().getTransformVersion()))
          .containsExactlyInAnyOrderElementsOf(
              LongStream.rangeClosed(1, expectedTrain.size()).boxed().toList());

      // the fitted transform is published: the first version and each doubling as they happen
      // (every 50 training rows fitted only at checkpoints: TabularTransformOperatorHarnessTest),
      // keyed by pipeline, and the published JSON applies as the job applied it at that version
      List<Long> expectedVersions = new ArrayList<>();
      for (long v = 1; v <= expectedTrain.size(); v *= 2) {
        expectedVersions.add(v);
      }
      List<ConsumerRecord<String, TransformVersion>> transforms = List.of();
      List<Long> versions = List.of();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (!versions.containsAll(expectedVersions) && System.nanoTime() < deadline) {
        transforms =
            io.streamtune.embedded.TopicReader.readToEnd(
                KAFKA.bootstrapServers(),
                topics.name(Topics.TRANSFORMS),
                io.streamtune.schemas.serde.AvroSerdes.valueDeserializer(
                    KAFKA.schemaRegistryUrl(), TransformVersion.class));
        versions = transforms.stream().map(r -> r.value().getVersion()).toList();
      }
      assertThat(transforms).allMatch(r -> r.key().equals(spec.name()));
      assertThat(versions).containsAll(expectedVersions).isSorted().doesNotHaveDuplicates();
      for (int i = 1; i < versions.size(); i++) {
        long version = versions.get(i);
        long previous = versions.get(i - 1);
        assertThat(expectedVersions.contains(version) || version >= previous + 50)
            .as("version %d after %d: a doubling or 50 rows later", version, previous)
            .isTrue();
      }
      TransformVersion last = transforms.get(transforms.size() - 1).value();
      assertThat(TabularTransform.fromJson(last.getJson()).version()).isEqualTo(last.getVersion());

      Map<String, DeadLetter> byKey =
          deadLetters.stream()
              .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
      assertThat(byKey)
          .containsOnlyKeys("bad-text", "bad-number", "bad-nolabel", "bad-huge", "garbage");
      assertDeadLetter(byKey.get("bad-text"), produced.get("bad-text"), "validate", "text");
      assertDeadLetter(
          byKey.get("bad-number"), produced.get("bad-number"), "validate", "'abc' is not a number");
      assertDeadLetter(
          byKey.get("bad-nolabel"), produced.get("bad-nolabel"), "validate", "missing label");
      assertDeadLetter(byKey.get("garbage"), produced.get("garbage"), "deserialize", "magic byte");
      DeadLetter huge = byKey.get("bad-huge");
      assertThat(huge.getStage()).isEqualTo("validate");
      assertThat(huge.getReason())
          .startsWith("column 'Income': 'xxx")
          .contains("(950000 chars in all)' is not a number (too long)")
          .contains("original value of " + produced.get("bad-huge").value().length + " bytes")
          .hasSizeLessThan(1_000);
      assertThat(huge.getOriginalValue()).isNull();
      assertThat(huge.getOriginalSize()).isEqualTo(produced.get("bad-huge").value().length);
      assertThat(huge.getOffset()).isEqualTo(produced.get("bad-huge").metadata().offset());
      assertThat(byKey.get("garbage").getRecordId()).isNull();
      assertThat(byKey.get("bad-number").getRecordId()).isEqualTo("bad-number");
    } finally {
      JobTestKit.cancelAndAwait(job);
    }
  }

  private static void assertDeadLetter(
      DeadLetter deadLetter, Produced produced, String stage, String reasonPart) {
    assertThat(deadLetter.getStage()).isEqualTo(stage);
    assertThat(deadLetter.getReason()).containsIgnoringCase(reasonPart);
    assertThat(deadLetter.getTopic()).isEqualTo(produced.metadata().topic());
    assertThat(deadLetter.getPartition()).isEqualTo(produced.metadata().partition());
    assertThat(deadLetter.getOffset()).isEqualTo(produced.metadata().offset());
    assertThat(JobTestKit.bytes(deadLetter.getOriginalValue())).isEqualTo(produced.value());
    assertThat(JobTestKit.bytes(deadLetter.getOriginalKey()))
        .isEqualTo(produced.key().getBytes(StandardCharsets.UTF_8));
  }

  private static void send(
      KafkaProducer<String, byte[]> producer,
      Map<String, Produced> produced,
      String key,
      RawRecord record,
      Serializer<RawRecord> serializer,
      String topic)
      throws Exception {
    send(producer, produced, topic, key, serializer.serialize(topic, record));
  }

  private static void send(
      KafkaProducer<String, byte[]> producer,
      Map<String, Produced> produced,
      String topic,
      String key,
      byte[] value)
      throws Exception {
    RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, key, value)).get();
    produced.put(key, new Produced(key, value, metadata));
  }
}
