package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code streamtune rollback} and {@code streamtune retrain}'s Kafka side, on a real broker. */
class ManualActionsKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T03:00:00Z"), ZoneOffset.UTC);

  private static KafkaConnection kafka() {
    return new KafkaConnection(KAFKA.bootstrapServers(), KAFKA.schemaRegistryUrl(), KAFKA.topics());
  }

  @Test
  @Timeout(120)
  void rollsBackToAPublishedVersionAndRefusesAnUnknownOne() {
    KafkaConnection kafka = kafka();
    Topics topics = kafka.topics();
    ModelVersion v1 = FeedbackDriver.version(1, null);
    ModelVersion v2 = FeedbackDriver.version(2, 1);
    ModelVersion v3 = FeedbackDriver.version(3, 2);
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            kafka.clientProperties(),
            new StringSerializer(),
            AvroSerdes.valueSerializer(kafka.schemaRegistryUrl()))) {
      for (ModelVersion v : List.of(v1, v2, v3)) {
        producer.send(new ProducerRecord<>(topics.name(Topics.MODELS), v.getModelId(), v));
      }
      producer.send(new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), "credit", v1));
      producer.send(new ProducerRecord<>(topics.name(Topics.MODELS_PROMOTED), "credit", v3));
      producer.flush();
    }

    ManualActions.Rollback rollback = ManualActions.rollback(kafka, "credit", 2, CLOCK);

    assertThat(rollback.restored()).isEqualTo(v2);
    List<ModelVersion> promoted =
        ManualActions.read(kafka, topics, Topics.MODELS_PROMOTED, ModelVersion.class);
    assertThat(promoted).extracting(ModelVersion::getVersion).containsExactly(1, 3, 2);
    assertThat(promoted.get(2)).isEqualTo(v2);
    List<EvaluationReport> reports =
        ManualActions.read(kafka, topics, Topics.METRICS, EvaluationReport.class);
    assertThat(reports).hasSize(1);
    EvaluationReport report = reports.get(0);
    assertThat(report.getKind()).isEqualTo("rollback");
    assertThat(report.getVersion()).isEqualTo(2);
    assertThat(report.getChampionVersion()).isEqualTo(3);
    assertThat(report.getPromoted()).isTrue();
    assertThat(report.getGateReason()).isEqualTo("manual rollback to v2");
    assertThat(report.getEvaluatedAt()).isEqualTo(CLOCK.instant());

    assertThatThrownBy(() -> ManualActions.rollback(kafka, "credit", 7, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model credit has no version 7")
        .hasMessageContaining("[v1, v2, v3]");
    assertThat(ManualActions.read(kafka, topics, Topics.MODELS_PROMOTED, ModelVersion.class))
        .hasSize(3);
  }

  @Test
  @Timeout(120)
  void retrainWritesAManualRequest() {
    KafkaConnection kafka = kafka();

    ManualActions.retrain(kafka, "credit", "new data from the branch offices", CLOCK);

    List<RetrainRequest> requests =
        ManualActions.read(kafka, kafka.topics(), Topics.CONTROL, RetrainRequest.class);
    assertThat(requests).hasSize(1);
    RetrainRequest request = requests.get(0);
    assertThat(request.getModelId()).isEqualTo("credit");
    assertThat(request.getTrigger()).isEqualTo(RetrainCause.MANUAL);
    assertThat(request.getDetector()).isEqualTo("manual");
    assertThat(request.getReason()).isEqualTo("new data from the branch offices");
    assertThat(request.getRequestedAt()).isEqualTo(CLOCK.instant());
  }
}
