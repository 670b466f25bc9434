package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback app stopped and started again (same application id and state directory) while labels
 * keep coming: every labelled request reaches {@code raw} exactly once, and a second label of a
 * record joined before the stop is still ignored after it (the first-label-wins state survives).
 */
class FeedbackRestartKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir Path state;

  @Test
  @Timeout(240)
  void aRestartedAppJoinsEachRequestOnceAndKeepsTheFirstLabel() throws Exception {
    Topics topics = KAFKA.topics();
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);
    FeedbackConfig config =
        FeedbackConfig.of(kafka, FeedbackDriver.spec(), state)
            .withApplicationId("feedback-restart-test")
            .withJoin(Duration.ofSeconds(60), Duration.ofSeconds(1))
            .withShutdownTimeout(Duration.ofSeconds(10));
    long t0 = System.currentTimeMillis() - 60_000;

    runFor(
        config,
        producer -> {
          for (int i = 0; i < 40; i++) {
            String id = "req-" + i;
            send(
                producer,
                topics.name(Topics.REQUESTS),
                id,
                FeedbackDriver.request(id, t0 + i),
                t0 + i);
          }
          for (int i = 0; i < 20; i++) {
            String id = "req-" + i;
            send(
                producer,
                topics.name(Topics.LABELS),
                id,
                FeedbackDriver.label(id, "yes", t0 + 100 + i),
                t0 + 100 + i);
          }
        },
        20);

    runFor(
        config,
        producer -> {
          // the second half's labels, and a second (different) label for an already joined record
          for (int i = 20; i < 40; i++) {
            String id = "req-" + i;
            send(
                producer,
                topics.name(Topics.LABELS),
                id,
                FeedbackDriver.label(id, "no", t0 + 200 + i),
                t0 + 200 + i);
          }
          send(
              producer,
              topics.name(Topics.LABELS),
              "req-3",
              FeedbackDriver.label("req-3", "maybe", t0 + 300),
              t0 + 300);
        },
        40);

    List<ConsumerRecord<String, RawRecord>> raw = readRaw(kafka, 40, Duration.ofSeconds(5));
    Map<String, String> labelById =
        raw.stream()
            .collect(
                Collectors.toMap(
                    ConsumerRecord::key, r -> r.value().getLabel(), (a, b) -> a + "+" + b));
    assertThat(raw).as("each labelled request once").hasSize(40);
    assertThat(labelById).hasSize(40);
    assertThat(labelById.get("req-3"))
        .as("the first label wins across the restart")
        .isEqualTo("yes");
    assertThat(labelById.get("req-25")).isEqualTo("no");
  }

  /** Starts the app, sends, waits until {@code rawExpected} labelled records are in, stops it. */
  private static void runFor(
      FeedbackConfig config,
      java.util.function.Consumer<KafkaProducer<String, SpecificRecord>> send,
      int rawExpected)
      throws Exception {
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (FeedbackService service = new FeedbackService(config)) {
      Future<?> running = runner.submit(service);
      assertThat(service.awaitRunning(60_000)).as("the app runs").isTrue();
      try (KafkaProducer<String, SpecificRecord> producer =
          new KafkaProducer<>(
              config.kafka().clientProperties(),
              new StringSerializer(),
              AvroSerdes.valueSerializer(config.kafka().schemaRegistryUrl()))) {
        send.accept(producer);
        producer.flush();
      }
      readRaw(config.kafka(), rawExpected, Duration.ofSeconds(3));
      service.close();
      running.get(30, TimeUnit.SECONDS);
    } finally {
      runner.shutdownNow();
    }
  }

  private static List<ConsumerRecord<String, RawRecord>> readRaw(
      KafkaConnection kafka, int atLeast, Duration quiet) {
    List<ConsumerRecord<String, RawRecord>> records =
        TopicReader.readAtLeast(
            kafka.bootstrapServers(),
            kafka.topics().name(Topics.RAW),
            AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), RawRecord.class),
            atLeast,
            Duration.ofSeconds(60));
    // and nothing more arrives afterwards (a duplicate would)
    return TopicReader.readAll(
        kafka.bootstrapServers(),
        kafka.topics().name(Topics.RAW),
        AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), RawRecord.class),
        quiet.compareTo(Duration.ofSeconds(3)) > 0 ? quiet : Duration.ofSeconds(3));
  }

  private static void send(
      KafkaProducer<String, SpecificRecord> producer,
      String topic,
      String key,
      SpecificRecord value,
      long timestamp) {
    producer.send(new ProducerRecord<>(topic, null, timestamp, key, value));
  }
}
