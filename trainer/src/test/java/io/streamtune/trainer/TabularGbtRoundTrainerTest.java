package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.model.ModelStore;
import io.streamtune.model.gbt.GbtClassifier;
import io.streamtune.model.gbt.GbtTrainer;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backbone gbt through the service's own start, round, publish and restart path ({@link
 * TrainerStart}, {@link VersionPublisher}, an in-memory sink), scored back through {@link
 * StoreModelLoader} as the evaluator and serve load it.
 */
class TabularGbtRoundTrainerTest {

  static final String YAML =
      TestSpecs.YAML.replace(
          "  hiddenUnits: [8]\n",
          "  backbone: gbt\n  validationFraction: 0.2\n  gbt: {rounds: 60, earlyStoppingRounds: 5}\n");

  @TempDir Path root;

  private final List<Example> examples = TestSpecs.examples(250, 21);

  @Test
  void roundsArePublishedAsBoostersTheLoaderScoresAndARestartResumes() throws Exception {
    PipelineSpec spec = PipelineSpecs.parse(YAML, "gbt spec");
    ModelStore store = new ModelStore(root);
    MapVersionSink sink = new MapVersionSink();
    int boostersBefore = GbtClassifier.liveBoosters();

    TrainingState state = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome first = begin(spec, store, state, sink);
    assertThat(first.trainer()).isInstanceOf(TabularGbtRoundTrainer.class);
    assertThat(first.trainer().architecture()).isEqualTo(GbtClassifier.ARCHITECTURE);
    assertThat(first.trainer().model()).isNull();
    assertThatThrownBy(() -> first.trainer().files()).hasMessageContaining("no round trained");
    VersionPublisher publisher =
        new VersionPublisher(spec, store, sink, state, first, TransformSource.NONE, "cpu", 1);
    ModelVersion v1 = trainAndPublish(state, first.trainer(), publisher, 0, 100);
    ModelVersion v2 = trainAndPublish(state, first.trainer(), publisher, 100, 200);
    assertThat(GbtClassifier.liveBoosters())
        .as("the previous round's booster is freed when a new one replaces it")
        .isEqualTo(boostersBefore + 1);
    assertThat(GbtTrainer.liveMatrices()).isZero();

    assertThat(v1.getArchitecture()).isEqualTo("gbt");
    assertThat(v2.getParentVersion()).isEqualTo(1);
    assertThat(v2.getFeatureCount()).isEqualTo(3);
    assertThat(v2.getExamplesTrainedOn()).isEqualTo(200);
    assertThat(v2.getDevice()).isEqualTo("cpu()");
    Path dir = Path.of(v2.getStorePath());
    assertThat(dir.resolve(GbtClassifier.BOOSTER_FILE)).isRegularFile();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".params"));
    }
    assertThat(store.readMetadata(dir).hiddenUnits()).as("no MLP layers").isEmpty();
    JsonNode training = new ObjectMapper().readTree(dir.resolve("training.json").toFile());
    assertThat(training.get("backbone").asText()).isEqualTo("gbt");
    assertThat(training.get("strategy").asText()).isEqualTo("full");
    assertThat(training.get("validationRows").asInt()).isBetween(35, 40);
    assertThat(training.get("trainRows").asInt() + training.get("validationRows").asInt())
        .isEqualTo(200);
    int bestIteration = training.get("bestIteration").asInt();
    assertThat(training.get("iterationsScored").asInt()).isEqualTo(bestIteration + 1);
    assertThat(training.get("trees").asInt())
        .as("binary: one tree an iteration")
        .isEqualTo(bestIteration + 1);
    assertThat(training.get("iterations").asInt()).isBetween(bestIteration + 1, 60);
    assertThat(training.get("epochLosses")).hasSize(training.get("iterations").asInt());
    assertThat(training.get("gbt").get("rounds").asInt()).isEqualTo(60);
    assertThat(training.get("gbt").get("classWeight").asText()).isEqualTo("balanced");
    assertThat(training.get("gbt").get("maxLeaves").asInt()).isEqualTo(31);
    assertThat(training.get("nthread").asInt()).isEqualTo(1);

    List<Example> unseen = TestSpecs.examples(200, 99);
    try (StoreModelLoader loader = new StoreModelLoader(root, false);
        ScoringModel model = loader.load(v2)) {
      ScoringInputs inputs =
          ScoringInputs.ofFeatures(
              unseen.stream().map(Example::getId).toList(), TestSpecs.features(unseen));
      float[][] probabilities = model.probabilities(inputs);
      int[] predicted = model.predict(inputs);
      int correct = 0;
      for (int i = 0; i < predicted.length; i++) {
        correct += predicted[i] == unseen.get(i).getLabelIndex() ? 1 : 0;
        assertThat(probabilities[i][0] + probabilities[i][1]).isCloseTo(1f, within(1e-6f));
      }
      // the classes are 2.5 standard deviations apart on each of 3 features: about 99 % separable
      assertThat((double) correct / predicted.length).isGreaterThan(0.93);
      assertThat(model.labels()).containsExactly("left", "right");
    }
    first.trainer().close();
    assertThat(GbtClassifier.liveBoosters()).isEqualTo(boostersBefore);

    TrainingState restarted = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome second = begin(spec, store, restarted, sink);
    assertThat(second.parentVersion()).isEqualTo(2);
    assertThat(second.trainer()).isInstanceOf(TabularGbtRoundTrainer.class);
    assertThat(restarted.buffer().size()).as("v2's buffer snapshot").isEqualTo(200);
    VersionPublisher again =
        new VersionPublisher(spec, store, sink, restarted, second, TransformSource.NONE, "cpu", 1);
    ModelVersion v3 = trainAndPublish(restarted, second.trainer(), again, 200, 250);
    assertThat(v3.getVersion()).isEqualTo(3);
    assertThat(v3.getParentVersion()).isEqualTo(2);
    assertThat(v3.getExamplesTrainedOn()).isEqualTo(250);
    second.trainer().close();

    Files.write(Path.of(v3.getStorePath()).resolve(GbtClassifier.BOOSTER_FILE), new byte[] {7});
    assertThatThrownBy(() -> begin(spec, store, new TrainingState(spec, () -> 0L), sink))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read")
        .hasMessageContaining(GbtClassifier.BOOSTER_FILE);
    assertThat(GbtClassifier.liveBoosters()).isEqualTo(boostersBefore);
  }

  @Test
  void aRoundRefusesRowsOfAnotherWidthAndAnEmptyBuffer() {
    PipelineSpec spec = PipelineSpecs.parse(YAML, "gbt spec");
    try (ModelTrainer trainer =
        TrainerKinds.registry()
            .create(
                new ModelTrainerFactory.Setup(
                    "blobs", spec, new ModelStore(root), 3, Device.cpu(), 1))) {
      assertThatThrownBy(
              () ->
                  trainer.train(
                      new ExampleBuffer.Snapshot(new float[][] {{1f, 2f}}, new int[] {0}, 2),
                      () -> false))
          .hasMessageContaining("examples have 2 features, the model takes 3");
      assertThatThrownBy(
              () ->
                  trainer.train(
                      new ExampleBuffer.Snapshot(new float[0][], new int[0], 2), () -> false))
          .hasMessageContaining("empty buffer");
    }
  }

  private static TrainerStart.Outcome begin(
      PipelineSpec spec, ModelStore store, TrainingState state, VersionSink sink) {
    return TrainerRestartWithoutBrokerTest.begin(TrainerKinds.registry(), spec, store, state, sink);
  }

  private ModelVersion trainAndPublish(
      TrainingState state, ModelTrainer trainer, VersionPublisher publisher, int from, int until) {
    return TrainerRestartWithoutBrokerTest.trainAndPublish(
        examples, state, trainer, publisher, from, until);
  }
}
