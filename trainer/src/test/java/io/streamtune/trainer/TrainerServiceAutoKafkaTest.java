package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.selection.Candidates;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/**
 * The trainer service with {@code trainer.backbone: auto} (candidates logreg and gbt) against a
 * real (embedded) broker: a provisional version, the selection on the first full buffer, versions
 * of the winner with the ranking on {@code metrics}, a reselection a {@code RESELECT} control
 * request asks for, and one after a concept drift.
 */
class TrainerServiceAutoKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir Path storeRoot;

  @Test
  void selectsOnTheFirstFullBufferAgainOnAReselectRequestAndAfterADrift() throws Exception {
    // a drift keeps each class's 60 newest examples and waits for 100 new ones
    PipelineSpec spec =
        PipelineSpecs.parse(
            AutoSelectingTrainerTest.YAML.replace(
                "  backbone: auto\n",
                "  backbone: auto\n  driftKeepRecent: 60\n  driftRoundAfter: 100\n"),
            "auto spec");
    TrainerKafkaFixture fixture = new TrainerKafkaFixture(KAFKA, spec, storeRoot);
    fixture.produce(TestSpecs.examples(200, 41));
    try (TrainerKafkaFixture.Running running = fixture.start()) {
      List<ModelVersion> first = fixture.readVersions(2);
      JsonNode provisional = selection(first.get(0));
      JsonNode selected = selection(first.get(1));
      assertThat(provisional.get("provisional").asBoolean()).isTrue();
      assertThat(selected.get("provisional").asBoolean()).isFalse();
      assertThat(selected.get("number").asInt()).isEqualTo(1);
      assertThat(selected.get("examples").asInt()).isEqualTo(200);
      assertThat(selected.get("ranking")).hasSize(2);
      String winner = selected.get("winner").asText();
      assertThat(first.get(1).getArchitecture()).isEqualTo(architectureOf(spec, winner));

      control("blobs", RetrainCause.RESELECT);
      List<ModelVersion> all = fixture.readVersions(3);
      ModelVersion third = all.get(2);
      JsonNode again = selection(third);
      assertThat(third.getExamplesTrainedOn()).isEqualTo(200);
      assertThat(third.getNewExamples()).isZero();
      assertThat(again.get("number").asInt()).as("a second selection ran").isEqualTo(2);
      assertThat(again.get("ranking")).hasSize(2);
      assertThat(third.getArchitecture())
          .isEqualTo(architectureOf(spec, again.get("winner").asText()));
      assertThat(running.service.stats().controlRequests()).isEqualTo(1);
      // each selection's ranking is on metrics, with the first version of its winner
      List<EvaluationReport> reports =
          TopicReader.readAtLeast(
                  KAFKA.bootstrapServers(),
                  KAFKA.topics().name(Topics.METRICS),
                  AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), EvaluationReport.class),
                  2,
                  Duration.ofSeconds(30))
              .stream()
              .map(ConsumerRecord::value)
              .toList();
      assertThat(reports).extracting(EvaluationReport::getKind).containsOnly("selection");
      assertThat(reports).extracting(EvaluationReport::getVersion).containsExactly(2, 3);
      assertThat(reports.get(1).getSelection()).hasSize(2);
      assertThat(reports.get(1).getSelection().get(0).getName())
          .isEqualTo(again.get("winner").asText());

      // trainer.selection.afterDrift (default true): the drift's round selects again on the
      // buffer the drift policy left plus the new examples
      control("blobs", RetrainCause.CONCEPT_DRIFT);
      // the new concept's examples come after the trainer has taken the drift request, as the
      // feedback loop's labels do; produced at once, the examples could win the race to a round
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> running.service.stats().controlRequests() == 2);
      fixture.produce(TestSpecs.examples(100, 42));
      ModelVersion fourth = fixture.readVersions(4).get(3);
      JsonNode afterDrift = selection(fourth);
      assertThat(fourth.getNewExamples()).isEqualTo(100);
      assertThat(fourth.getExamplesTrainedOn()).as("60 per class kept, 100 new").isEqualTo(220);
      assertThat(afterDrift.get("number").asInt()).isEqualTo(3);
      assertThat(afterDrift.get("examples").asInt()).isEqualTo(220);
    }
  }

  /** The architecture a version of the candidate is stored with. */
  private String architectureOf(PipelineSpec spec, String candidate) {
    ModelTrainerFactory.Setup setup =
        new ModelTrainerFactory.Setup(
            spec.name(), spec, new ModelStore(storeRoot), 3, Device.cpu(), 1);
    return TrainerKinds.registry()
        .architecture(
            AutoSelectingTrainer.winnerSetup(
                setup, Candidates.named(spec, List.of(candidate)).get(0)));
  }

  private static void control(String modelId, RetrainCause cause) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setModelId(modelId)
            .setRequestedAt(Instant.now())
            .setTrigger(cause)
            .setDetector("test")
            .setReason("test " + cause)
            .build();
    try (KafkaProducer<String, RetrainRequest> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl()))) {
      producer.send(new ProducerRecord<>(KAFKA.topics().name(Topics.CONTROL), modelId, request));
    }
  }

  private static JsonNode selection(ModelVersion version) throws Exception {
    return new ObjectMapper()
        .readTree(Path.of(version.getStorePath()).resolve("training.json").toFile())
        .get(AutoSelectingTrainer.DETAILS_KEY);
  }
}
