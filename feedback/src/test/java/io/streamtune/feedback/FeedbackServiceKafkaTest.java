package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * The real Kafka Streams app against the in-process broker and registry: requests, predictions and
 * their delayed labels in; labelled raw records, online reports and a drift request out.
 */
class FeedbackServiceKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir Path state;

  @Test
  @Timeout(180)
  void closesTheLoopOnARealBroker() throws Exception {
    Topics topics = KAFKA.topics();
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);
    FeedbackConfig config =
        FeedbackConfig.of(kafka, FeedbackDriver.spec(), state)
            .withApplicationId("feedback-kafka-test")
            .withJoin(Duration.ofSeconds(60), Duration.ofSeconds(1))
            .withMetricsWindows(Duration.ofSeconds(10), Duration.ofSeconds(30))
            .withShutdownTimeout(Duration.ofSeconds(10));
    // whole seconds, so the first tumbling window starts at t0
    long t0 = (System.currentTimeMillis() / 10_000) * 10_000 - 120_000;

    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (FeedbackService service = new FeedbackService(config)) {
      Future<?> running = runner.submit(service);
      assertThat(service.awaitRunning(60_000)).as("the app runs").isTrue();

      Random random = new Random(1);
      try (KafkaProducer<String, SpecificRecord> producer =
          new KafkaProducer<>(
              kafka.clientProperties(),
              new StringSerializer(),
              AvroSerdes.valueSerializer(kafka.schemaRegistryUrl()))) {
        // 10 requests, labelled 2 s later
        for (int i = 0; i < 10; i++) {
          String id = "req-" + i;
          long at = t0 + i * 100L;
          send(producer, topics.name(Topics.REQUESTS), id, FeedbackDriver.request(id, at), at);
          send(
              producer,
              topics.name(Topics.LABELS),
              id,
              FeedbackDriver.label(id, "yes", at + 2_000),
              at + 2_000);
        }
        // 600 champion predictions of v1, labelled 500 ms later: 10 % wrong, then 60 % wrong
        for (int i = 0; i < 600; i++) {
          String id = "pred-" + i;
          long at = t0 + 5_000 + i * 50L;
          boolean wrong = random.nextDouble() < (i < 300 ? 0.1 : 0.6);
          send(
              producer,
              topics.name(Topics.PREDICTIONS),
              id,
              FeedbackDriver.prediction(
                  id, 1, PredictionRole.CHAMPION, wrong ? "yes" : "no", 0.8, at),
              at);
          send(
              producer,
              topics.name(Topics.LABELS),
              id,
              FeedbackDriver.label(id, "no", at + 500),
              at + 500);
        }
        // a labelled prediction much later closes the windows of the ones above
        long late = t0 + 100_000;
        send(
            producer,
            topics.name(Topics.PREDICTIONS),
            "late",
            FeedbackDriver.prediction("late", 1, PredictionRole.CHAMPION, "no", 0.8, late),
            late);
        send(
            producer,
            topics.name(Topics.LABELS),
            "late",
            FeedbackDriver.label("late", "no", late),
            late);
        producer.flush();
      }
      // bytes that are no label at all: a dead letter, and the app goes on
      try (KafkaProducer<String, byte[]> garbage =
          new KafkaProducer<>(
              kafka.clientProperties(),
              new StringSerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        garbage.send(
            new ProducerRecord<>(
                topics.name(Topics.LABELS),
                null,
                t0 + 3_000,
                "garbage",
                "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }

      List<ConsumerRecord<String, io.streamtune.schemas.avro.DeadLetter>> deadLetters =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.DEADLETTER),
              AvroSerdes.valueDeserializer(
                  kafka.schemaRegistryUrl(), io.streamtune.schemas.avro.DeadLetter.class),
              1,
              Duration.ofSeconds(60));
      assertThat(deadLetters).hasSize(1);
      io.streamtune.schemas.avro.DeadLetter unreadable = deadLetters.get(0).value();
      assertThat(unreadable.getStage()).isEqualTo(DeadLetteringDeserializationHandler.STAGE);
      assertThat(unreadable.getRecordId()).isEqualTo("garbage");
      assertThat(unreadable.getTopic()).isEqualTo(topics.name(Topics.LABELS));
      assertThat(unreadable.getReason())
          .startsWith("cannot read a record of " + topics.name(Topics.LABELS));
      assertThat(unreadable.getOriginalValue().remaining()).isEqualTo("not avro".length());

      List<ConsumerRecord<String, RawRecord>> raw =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.RAW),
              AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), RawRecord.class),
              10,
              Duration.ofSeconds(60));
      assertThat(raw).hasSize(10);
      assertThat(raw)
          .allSatisfy(
              r -> {
                assertThat(r.key()).isEqualTo(r.value().getId()).startsWith("req-");
                assertThat(r.value().getLabel()).isEqualTo("yes");
                assertThat(r.value().getAttributes()).containsEntry("feedback", "true");
              });

      List<ConsumerRecord<String, RetrainRequest>> control =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.CONTROL),
              AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), RetrainRequest.class),
              1,
              Duration.ofSeconds(60));
      RetrainRequest drift = control.get(0).value();
      assertThat(control.get(0).key()).isEqualTo(FeedbackDriver.MODEL);
      assertThat(drift.getTrigger()).isEqualTo(RetrainCause.CONCEPT_DRIFT);
      assertThat(drift.getModelVersion()).isEqualTo(1);
      // in join order, which interleaves the two partitions: the change shows near the 300th
      assertThat(drift.getWindowTo()).isGreaterThan(150);
      assertThat(drift.getStatistic()).isGreaterThan(drift.getThreshold());
      System.out.println(
          "drift on a real broker: " + drift.getDetector() + ", " + drift.getReason());

      // the first 10 s window holds predictions 0..99 (labels of 0..89 inside it): 300 + in total
      List<ConsumerRecord<String, EvaluationReport>> metrics =
          TopicReader.readAtLeast(
              KAFKA.bootstrapServers(),
              topics.name(Topics.METRICS),
              AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), EvaluationReport.class),
              4,
              Duration.ofSeconds(60));
      List<EvaluationReport> tumbling =
          metrics.stream()
              .map(ConsumerRecord::value)
              .filter(r -> r.getKind().equals("online") && r.getWindow().startsWith("tumbling"))
              .toList();
      assertThat(tumbling).isNotEmpty();
      assertThat(tumbling)
          .allSatisfy(
              r -> {
                assertThat(r.getModelId()).isEqualTo(FeedbackDriver.MODEL);
                assertThat(r.getVersion()).isEqualTo(1);
                assertThat(r.getWindowEnd().toEpochMilli() - r.getWindowStart().toEpochMilli())
                    .isEqualTo(10_000);
                assertThat(r.getHoldoutSize()).isPositive();
              });
      // the first full window is in the 10 % regime, a window after the change in the 60 % one
      EvaluationReport first =
          tumbling.stream()
              .filter(r -> r.getWindowStart().toEpochMilli() == t0 + 10_000)
              .findFirst()
              .orElseThrow();
      assertThat(first.getAccuracy()).isGreaterThan(0.8);

      long stopping = System.nanoTime();
      service.close();
      running.get(30, TimeUnit.SECONDS);
      // within service.shutdown.timeout.ms (10 s here), and run() has returned
      assertThat((System.nanoTime() - stopping) / 1_000_000).isLessThan(10_000);
    } finally {
      runner.shutdownNow();
    }
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
