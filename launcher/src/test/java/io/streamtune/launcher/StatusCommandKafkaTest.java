package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code streamtune status} against the in-process broker: topics and a consumer group's lag. */
class StatusCommandKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void readsTheChampionReportsDeadLettersAndLagFromKafka() throws Exception {
    Topics topics = KAFKA.topics();
    KafkaConnection kafka =
        new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), topics);
    ModelVersion champion = new ModelVersion();
    champion.setModelId("credit");
    champion.setVersion(2);
    champion.setCreatedAt(Instant.parse("2026-12-07T00:00:00Z"));
    champion.setStorePath("/store/credit/v2");
    champion.setArchitecture("mlp");
    champion.setLabels(List.of("good", "bad"));
    champion.setExamplesTrainedOn(1000L);
    champion.setConsumedOffsets(List.of());
    champion.setDevice("cpu()");
    EvaluationReport report = new EvaluationReport();
    report.setModelId("credit");
    report.setVersion(2);
    report.setEvaluatedAt(Instant.parse("2026-12-07T00:00:01Z"));
    report.setExamplesTrainedOn(1000L);
    report.setHoldoutSize(200);
    report.setLabels(List.of("good", "bad"));
    report.setAccuracy(0.75);
    report.setMacroF1(0.7);
    report.setMajorityBaselineMacroF1(0.4);
    report.setPerClass(List.of());
    report.setConfusionMatrix(List.of());
    report.setPromoted(true);
    report.setGateReason("macro F1 0.7000 >= champion v1 0.6500 + 0.0000");
    report.setKind("holdout");
    report.setWindow("");
    report.setLabelCounts(List.of());
    report.setPredictionCounts(List.of());
    DeadLetter deadLetter =
        io.streamtune.schemas.deadletter.DeadLetterRecords.of(
            new io.streamtune.schemas.deadletter.DeadLetterRecords.Origin(
                topics.name(Topics.REQUESTS), 0, 7),
            "r7",
            null,
            null,
            "serve",
            "no champion for model credit yet",
            Instant.parse("2026-12-07T00:00:02Z"));
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            kafka.clientProperties(),
            new StringSerializer(),
            AvroSerdes.valueSerializer(kafka.schemaRegistryUrl()))) {
      producer.send(new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), "credit", champion));
      producer.send(new ProducerRecord<>(topics.name(Topics.METRICS), "credit", report));
      producer.send(new ProducerRecord<>(topics.name(Topics.DEADLETTER), "r7", deadLetter));
    }
    // three records on raw, of which a streamtune group has consumed one
    TopicPartition raw0 = new TopicPartition(topics.name(Topics.RAW), 0);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(raw0.topic(), 0, null, new byte[] {(byte) i}));
      }
    }
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "streamtune-status-test");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.commitSync(Map.of(raw0, new OffsetAndMetadata(1)));
    }

    List<String> lines = StatusCommand.status(kafka, "credit", 5);

    assertThat(lines.get(0)).startsWith("model credit: champion v2 (trained on 1,000 examples");
    assertThat(lines).anyMatch(l -> l.startsWith("  version 2 | trained on 1,000 examples"));
    assertThat(lines).contains("consumer lag: streamtune-status-test 2");
    assertThat(lines).contains("dead letters: 1 (serve 1)");
    assertThat(lines).anyMatch(l -> l.contains("record r7: no champion for model credit yet"));
  }
}
