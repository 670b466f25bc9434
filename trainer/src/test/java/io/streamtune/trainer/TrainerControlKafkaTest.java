package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A message on the control topic forces a round; a request during a round waits for it. */
class TrainerControlKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  /**
   * Never by count or time: only control messages start rounds. A round is 7,500 steps (a second or
   * more), so the request sent once a round is seen running arrives while it runs.
   */
  private static final String YAML =
      TestSpecs.YAML
          .replace("retrainEvery: 100", "retrainEvery: 100000")
          .replace("epochs: 6", "epochs: 300")
          .replace("batchSize: 32", "batchSize: 8");

  private static void control(String key, String reason) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setModelId(key)
            .setRequestedAt(Instant.now())
            .setTrigger(RetrainCause.MANUAL)
            .setDetector("manual")
            .setReason(reason)
            .build();
    try (KafkaProducer<String, RetrainRequest> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()))) {
      producer.send(new ProducerRecord<>(KAFKA.topics().name(Topics.CONTROL), key, request));
    }
  }

  /** An old plain-string control message: logged and ignored, never a round or a crash. */
  private static void plainStringControl(String key, String value) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(KAFKA.topics().name(Topics.CONTROL), key, value));
    }
  }

  @Test
  void controlMessagesForceRoundsThatNeverOverlap(@TempDir Path store) throws Exception {
    PipelineSpec spec = PipelineSpecs.parse(YAML, "control spec");
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), KAFKA.topics());
    List<Example> examples = TestSpecs.examples(200, 5);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<String, Example> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()))) {
      for (Example example : examples) {
        producer.send(
            new ProducerRecord<>(
                KAFKA.topics().name(Topics.EXAMPLES_TRAIN), example.getId(), example));
      }
    }
    TrainerService service =
        new TrainerService(
            TrainerConfig.of(kafka, spec, store)
                .withDevice(DeviceKind.CPU)
                .withPollTimeout(Duration.ofMillis(50)));
    Thread loop = new Thread(service, "trainer-under-test");
    loop.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> service.stats().examplesConsumed() == 200 && service.stats().controlAssigned());
      assertThat(service.stats().versionsPublished()).isZero();

      plainStringControl("blobs", "train"); // not a RetrainRequest: ignored
      control("another-model", "train"); // not ours: ignored
      control(null, "every model"); // no key: every trainer
      await().atMost(Duration.ofSeconds(30)).until(() -> service.stats().roundInProgress());
      control("blobs", "train again"); // during round 1: a round after it, never beside it
      List<ModelVersion> versions =
          TopicReader.readAtLeast(
                  KAFKA.bootstrapServers(),
                  KAFKA.topics().name(Topics.MODELS),
                  AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), ModelVersion.class),
                  2,
                  Duration.ofSeconds(90))
              .stream()
              .map(ConsumerRecord::value)
              .sorted(Comparator.comparingInt(ModelVersion::getVersion))
              .toList();

      ModelVersion first = versions.get(0);
      ModelVersion second = versions.get(1);
      assertThat(first.getNewExamples()).isEqualTo(200);
      assertThat(first.getExamplesTrainedOn()).isEqualTo(200);
      assertThat(second.getNewExamples()).isZero();
      assertThat(second.getExamplesTrainedOn()).isEqualTo(200);
      // the second round started after the first was published
      long secondStart = second.getCreatedAt().toEpochMilli() - second.getDurationMs();
      assertThat(secondStart).isGreaterThanOrEqualTo(first.getCreatedAt().toEpochMilli() - 5);
      assertThat(service.stats().controlRequests()).isEqualTo(2);
      // the overlap case was exercised, whatever the machine's speed
      assertThat(service.stats().controlRequestsDuringRound()).isEqualTo(1);
      Thread.sleep(1000);
      assertThat(service.stats().versionsPublished()).isEqualTo(2);
    } finally {
      service.close();
      loop.join(30_000);
    }
    assertThat(loop.isAlive()).isFalse();
  }
}
