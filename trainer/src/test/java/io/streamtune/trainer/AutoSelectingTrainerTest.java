package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.SelectionCandidate;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.selection.Candidates;
import io.streamtune.trainer.selection.SelectionBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainer.backbone: auto} through the service's own start, round, publish and restart path
 * ({@link TrainerStart}, {@link VersionPublisher}, an in-memory sink) with the real candidates
 * logreg and gbt: the provisional cheapest candidate before the first full buffer, the selection on
 * it, the winner resumed after a restart, and a reselection that replaces the delegate.
 */
class AutoSelectingTrainerTest {

  static final String YAML =
      TestSpecs.YAML.replace(
          "  hiddenUnits: [8]\n",
          "  backbone: auto\n"
              + "  validationFraction: 0.2\n"
              + "  selection: {minExamples: 150, folds: 3, candidates: 'logreg, gbt',"
              + " resamples: 200}\n");

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private final List<Example> examples = TestSpecs.examples(300, 21);

  @Test
  void selectsOnTheFirstFullBufferResumesTheWinnerAndReselectsOnRequest() throws Exception {
    PipelineSpec spec = PipelineSpecs.parse(YAML, "auto spec");
    ModelStore store = new ModelStore(root);
    MapVersionSink sink = new MapVersionSink();

    TrainingState state = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome first = begin(spec, store, state, sink);
    AutoSelectingTrainer auto = (AutoSelectingTrainer) first.trainer();
    assertThatThrownBy(auto::architecture).hasMessageContaining("no model before its first round");
    VersionPublisher publisher =
        new VersionPublisher(spec, store, sink, state, first, TransformSource.NONE, "cpu", 1);

    // 100 < minExamples 150: the cheapest candidate trains meanwhile
    ModelVersion v1 = trainAndPublish(state, auto, publisher, 0, 100);
    String cheapest =
        SelectionBudget.cheapestFirst(Candidates.named(spec, List.of("logreg", "gbt")))
            .get(0)
            .name();
    assertThat(auto.provisional()).isTrue();
    assertThat(auto.current().name()).isEqualTo(cheapest);
    JsonNode provisional = selection(v1);
    assertThat(provisional.get("provisional").asBoolean()).isTrue();
    assertThat(provisional.get("number").asInt()).isZero();
    assertThat(provisional.get("winner").asText()).isEqualTo(cheapest);
    assertThat(provisional.get("reason").asText()).contains("holds 100 examples").contains("150");
    assertThat(training(v1).get("backbone").asText()).isEqualTo("auto");
    assertThat(sink.reports).as("a provisional model is no selection to report").isEmpty();
    // what a restart from v1 would resume: the provisional candidate's own trainer section
    AutoSelectingTrainer.StoredSelection storedV1 =
        AutoSelectingTrainer.readSelection(Path.of(v1.getStorePath())).orElseThrow();
    assertThat(storedV1.provisional()).isTrue();
    assertThat(storedV1.winner().trainer())
        .isEqualTo(Candidates.named(spec, List.of(cheapest)).get(0).trainer());

    // 200 examples: the selection runs on 3 folds and its winner trains the round
    ModelTrainer provisionalDelegate = auto.delegate();
    ModelVersion v2 = trainAndPublish(state, auto, publisher, 100, 200);
    assertThat(auto.provisional()).isFalse();
    assertThat(auto.delegate()).isNotSameAs(provisionalDelegate);
    JsonNode selected = selection(v2);
    assertThat(selected.get("provisional").asBoolean()).isFalse();
    assertThat(selected.get("number").asInt()).isEqualTo(1);
    assertThat(selected.get("examples").asInt()).isEqualTo(200);
    assertThat(selected.get("split").asText())
        .isEqualTo("3-fold stratified, out-of-fold predictions");
    JsonNode ranking = selected.get("ranking");
    assertThat(ranking).hasSize(2);
    assertThat(List.of(ranking.get(0).get("name").asText(), ranking.get(1).get("name").asText()))
        .containsExactlyInAnyOrder("logreg", "gbt");
    String winner = ranking.get(0).get("name").asText();
    assertThat(selected.get("winner").asText()).isEqualTo(winner);
    assertThat(auto.current().name()).isEqualTo(winner);
    assertThat(ranking.get(0).get("macroF1").asDouble())
        .isGreaterThanOrEqualTo(ranking.get(1).get("macroF1").asDouble());
    // classes 2.5 standard deviations apart on 3 features: the winner near-perfect out of fold
    assertThat(ranking.get(0).get("macroF1").asDouble()).as(ranking.toString()).isGreaterThan(0.9);
    boolean worse =
        ranking.get(1).get("pVersusBest").asDouble() < 0.05
            && ranking.get(1).get("macroF1").asDouble() < ranking.get(0).get("macroF1").asDouble();
    assertThat(ranking.get(1).get("significantlyWorse").asBoolean()).isEqualTo(worse);
    assertThat(ranking.get(0).get("macroF1Low").asDouble())
        .isLessThanOrEqualTo(ranking.get(0).get("macroF1").asDouble());
    assertThat(ranking.get(0).get("pVersusBest").isNull()).isTrue();
    assertThat(ranking.get(1).get("pVersusBest").asDouble()).isBetween(0.0, 1.0);
    assertThat(selected.get("trainer").get("backbone").asText())
        .isEqualTo(winner.equals("gbt") ? "gbt" : "mlp");
    String winnerArchitecture =
        TrainerKinds.registry()
            .architecture(
                AutoSelectingTrainer.winnerSetup(
                    new ModelTrainerFactory.Setup(
                        spec.name(), spec, store, state.featureCount(), Device.cpu(), 1),
                    auto.current()));
    assertThat(v2.getArchitecture()).isEqualTo(winnerArchitecture).isNotEqualTo("auto");
    assertThat(training(v2).get("examplesTrainedOn").asInt()).isEqualTo(200);
    // the ranking on metrics, published with v2
    assertThat(sink.reports).hasSize(1);
    EvaluationReport report = sink.reports.get(0);
    assertThat(report.getKind()).isEqualTo("selection");
    assertThat(report.getVersion()).isEqualTo(2);
    assertThat(report.getHoldoutSize()).as("3-fold: every example scored once").isEqualTo(200);
    assertThat(report.getMacroF1()).isEqualTo(ranking.get(0).get("macroF1").asDouble());
    assertThat(report.getGateReason()).startsWith("selection 1: " + winner + " wins among 2");
    assertThat(report.getSelection())
        .extracting(SelectionCandidate::getName)
        .containsExactly(winner, ranking.get(1).get("name").asText());
    assertThat(report.getSelection()).extracting(SelectionCandidate::getRank).containsExactly(1, 2);
    assertThat(report.getSelection().get(0).getPValueVersusBest()).isNull();
    assertThat(report.getSelection().get(1).getPValueVersusBest())
        .isEqualTo(ranking.get(1).get("pVersusBest").asDouble());
    assertThat(report.getSelection().get(0).getMacroF1Interval().getLow())
        .isEqualTo(ranking.get(0).get("macroF1Low").asDouble());
    auto.close();

    // a restart resumes the stored winner, not the literal auto
    TrainingState restarted = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome second = begin(spec, store, restarted, sink);
    assertThat(second.parentVersion()).isEqualTo(2);
    AutoSelectingTrainer resumed = (AutoSelectingTrainer) second.trainer();
    assertThat(resumed.current().name()).isEqualTo(winner);
    assertThat(resumed.provisional()).isFalse();
    assertThat(resumed.architecture()).isEqualTo(winnerArchitecture);
    VersionPublisher again =
        new VersionPublisher(spec, store, sink, restarted, second, TransformSource.NONE, "cpu", 1);
    ModelTrainer resumedDelegate = resumed.delegate();
    ModelVersion v3 = trainAndPublish(restarted, resumed, again, 200, 250);
    assertThat(resumed.delegate()).as("no selection without a request").isSameAs(resumedDelegate);
    assertThat(selection(v3).get("examples").asInt()).as("v2's selection, carried").isEqualTo(200);
    assertThat(v3.getParentVersion()).isEqualTo(2);
    assertThat(sink.reports).as("no new selection, no new report").hasSize(1);

    // a reselection runs on the next round's buffer and replaces the delegate
    assertThat(resumed.requestReselection()).isTrue();
    ModelVersion v4 = trainAndPublish(restarted, resumed, again, 250, 300);
    assertThat(resumed.delegate()).isNotSameAs(resumedDelegate);
    assertThat(selection(v4).get("examples").asInt()).isEqualTo(300);
    assertThat(selection(v4).get("number").asInt()).as("counted over the restart").isEqualTo(2);
    assertThat(selection(v4).get("ranking")).hasSize(2);
    assertThat(v4.getArchitecture()).isEqualTo(resumed.architecture());
    assertThat(sink.reports).hasSize(2);
    assertThat(sink.reports.get(1).getVersion()).isEqualTo(4);
    assertThat(sink.reports.get(1).getGateReason()).startsWith("selection 2: ");
    resumed.close();
  }

  @Test
  void aVersionOfAFixedBackboneIsNotResumedUnderAuto() {
    PipelineSpec mlp = TestSpecs.spec();
    ModelStore store = new ModelStore(root);
    MapVersionSink sink = new MapVersionSink();
    TrainingState state = new TrainingState(mlp, () -> 0L);
    TrainerStart.Outcome fixed = begin(mlp, store, state, sink);
    VersionPublisher publisher =
        new VersionPublisher(mlp, store, sink, state, fixed, TransformSource.NONE, "cpu", 1);
    trainAndPublish(state, fixed.trainer(), publisher, 0, 100);
    fixed.trainer().close();

    PipelineSpec auto = PipelineSpecs.parse(YAML, "auto spec");
    TrainerStart.Outcome switched = begin(auto, store, new TrainingState(auto, () -> 0L), sink);
    assertThat(switched.trainer()).isInstanceOf(AutoSelectingTrainer.class);
    assertThat(switched.parentVersion()).as("v1 holds no selection: a new model").isNull();
    assertThat(switched.nextVersion()).isEqualTo(2);
    switched.trainer().close();
  }

  @Test
  void theWinnersWarmRoundsAreProportionateToWhatIsNew() {
    PipelineSpec spec =
        PipelineSpecs.parse(YAML.replace("'logreg, gbt'", "'logreg'"), "auto spec, logreg only");
    float[][] features = new float[200][];
    int[] labels = new int[200];
    for (int i = 0; i < features.length; i++) {
      labels[i] = i % 2;
      features[i] = new float[] {labels[i] * 3f + (i % 7) / 7f, i % 3, i % 5};
    }
    ExampleBuffer.Snapshot buffer = new ExampleBuffer.Snapshot(features, labels, 2);
    try (AutoSelectingTrainer auto =
        (AutoSelectingTrainer)
            TrainerKinds.registry()
                .create(
                    new ModelTrainerFactory.Setup(
                        "blobs", spec, new ModelStore(root), 3, Device.cpu(), 1))) {
      auto.train(buffer, 200, () -> false);
      assertThat(auto.current().name()).isEqualTo("logreg");
      assertThat(round(auto).get("warm")).as("the winner's first round").isEqualTo(false);

      auto.train(buffer, 10, () -> false);
      Map<String, Object> warm = round(auto);
      assertThat(warm.get("warm")).isEqualTo(true);
      assertThat(warm.get("newExamples")).isEqualTo(10L);
      assertThat((double) warm.get("newShare")).isEqualTo(10.0 / 200);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> round(ModelTrainer trainer) {
    return (Map<String, Object>) trainer.trainingDetails().get("round");
  }

  @Test
  void aFullBufferOfOneClassKeepsTheProvisionalModelAndSaysWhy() {
    PipelineSpec spec = PipelineSpecs.parse(YAML, "auto spec");
    float[][] features = new float[160][];
    for (int i = 0; i < features.length; i++) {
      features[i] = new float[] {i % 7, i % 3, i % 5};
    }
    ExampleBuffer.Snapshot oneClass = new ExampleBuffer.Snapshot(features, new int[160], 2);
    try (AutoSelectingTrainer auto =
        (AutoSelectingTrainer)
            TrainerKinds.registry()
                .create(
                    new ModelTrainerFactory.Setup(
                        "blobs", spec, new ModelStore(root), 3, Device.cpu(), 1))) {
      ModelTrainer.Result result = auto.train(oneClass, () -> false);

      assertThat(result.examples()).isEqualTo(160);
      assertThat(auto.provisional()).isTrue();
      @SuppressWarnings("unchecked")
      Map<String, Object> selection =
          (Map<String, Object>) auto.trainingDetails().get(AutoSelectingTrainer.DETAILS_KEY);
      assertThat((String) selection.get("reason"))
          .startsWith("no selection: the input has one class only ([left])");
      assertThat(auto.metricsReports("blobs", 1, java.time.Instant.EPOCH)).isEmpty();
    }
  }

  @Test
  void aFixedBackboneHasNothingToReselectAndUnknownCandidatesFailAtStart() {
    PipelineSpec fixed = TestSpecs.spec();
    ModelTrainerFactory.Setup setup =
        new ModelTrainerFactory.Setup("blobs", fixed, new ModelStore(root), 3, Device.cpu(), 1);
    try (ModelTrainer trainer = TrainerKinds.registry().create(setup)) {
      assertThat(trainer.requestReselection()).isFalse();
    }
    PipelineSpec unknown =
        PipelineSpecs.parse(YAML.replace("'logreg, gbt'", "'logreg, tfidf'"), "auto spec");
    assertThatThrownBy(
            () ->
                TrainerKinds.registry()
                    .create(
                        new ModelTrainerFactory.Setup(
                            "blobs", unknown, new ModelStore(root), 3, Device.cpu(), 1)))
        .hasMessageContaining("candidate 'tfidf' is for text data, not tabular");
  }

  private JsonNode training(ModelVersion version) throws Exception {
    return JSON.readTree(Path.of(version.getStorePath()).resolve("training.json").toFile());
  }

  private JsonNode selection(ModelVersion version) throws Exception {
    return training(version).get(AutoSelectingTrainer.DETAILS_KEY);
  }

  private static TrainerStart.Outcome begin(
      PipelineSpec spec, ModelStore store, TrainingState state, VersionSink sink) {
    return TrainerRestartWithoutBrokerTest.begin(TrainerKinds.registry(), spec, store, state, sink);
  }

  /** Offers examples {@code from} until {@code until}, trains a round and publishes it. */
  private ModelVersion trainAndPublish(
      TrainingState state, ModelTrainer trainer, VersionPublisher publisher, int from, int until) {
    return TrainerRestartWithoutBrokerTest.trainAndPublish(
        examples, state, trainer, publisher, from, until);
  }
}
