package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
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

  private static final Duration TIMEOUT = TrainerKafkaFixture.TIMEOUT;

  private static TrainerKafkaFixture fixture;

  @BeforeAll
  static void fixture() {
    fixture = new TrainerKafkaFixture(KAFKA, TestSpecs.spec(), storeRoot);
  }

  private static Topics topics() {
    return fixture.topics();
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

  @Test
  @Order(1)
  void trainsAVersionPerHundredExamplesWithExactOffsetRanges() throws Exception {
    List<Example> examples = TestSpecs.examples(300, 11);
    fixture.produceGarbage("broken-1"); // first, so every version-3 range covers it
    fixture.produce(examples);

    List<ModelVersion> versions = fixture.runTrainerUntil(3);

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
    // warm rounds in proportion to what is new: 6 epochs, then 100 new of 200, then of 300
    assertThat(versions).extracting(ModelVersion::getEpochs).containsExactly(6, 3, 2);
    String training = Files.readString(Path.of(last.getStorePath(), TrainerService.TRAINING_FILE));
    assertThat(training).contains("\"warm\" : true").contains("\"newExamples\" : 100");
    // 200 of 300 examples known: two thirds of the way from the spec's rate down to warmLrFactor's
    double rate = TestSpecs.spec().trainer().learningRate();
    double factor = TestSpecs.spec().trainer().warmLrFactor();
    assertThat(learningRate(training))
        .isCloseTo(rate * (1 - (1 - factor) * (200 / 300.0)), within(1e-12));
    assertThat(last.getDevice()).isEqualTo("cpu()");
    assertThat(last.getMaxTransformVersion()).isEqualTo(1);
    assertThat(last.getTrainLoss()).isLessThan(versions.get(0).getTrainLoss());

    // 300 examples + 1 undecodable record, each offset in exactly one version.
    Map<Integer, Long> ends = fixture.assertContiguous(versions);
    assertThat(TrainerKafkaFixture.rangeSize(versions)).isEqualTo(301);
    fixture.assertCommittedAt(ends);

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
    fixture.produce(more);

    List<ModelVersion> versions = fixture.runTrainerUntil(4);

    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1, 2, 3, 4);
    ModelVersion fourth = versions.get(3);
    assertThat(fourth.getParentVersion()).isEqualTo(3);
    assertThat(fourth.getNewExamples()).isEqualTo(100);
    // The buffer was restored from v3's snapshot: v4 trains on v3's 300 examples plus the 100 new.
    assertThat(fourth.getExamplesTrainedOn()).isEqualTo(400);
    fixture.assertContiguous(versions);
    assertThat(TrainerKafkaFixture.rangeSize(versions)).isEqualTo(401);
    assertAccurate(fourth, more);
  }

  private static double learningRate(String trainingJson) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(trainingJson)
        .path("round")
        .path("learningRate")
        .asDouble(Double.NaN);
  }
}
