package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.spec.TrainerSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularMlpRoundTrainerTest {

  private static final int FEATURES = 4;
  private static final TrainerSpec SPEC =
      TrainerSpec.defaults()
          .with(TrainerSpec.RETRAIN_EVERY, 100)
          .with(TrainerSpec.MAX_WAIT_SECONDS, 0)
          .with(TrainerSpec.BUFFER_CAPACITY, 1_000)
          .with(TrainerSpec.HIDDEN_UNITS, List.of(16))
          .with(TrainerSpec.LEARNING_RATE, 0.01)
          .with(TrainerSpec.WEIGHT_DECAY, 0.0001)
          .with(TrainerSpec.EPOCHS, 8)
          .with(TrainerSpec.BATCH_SIZE, 32)
          .with(TrainerSpec.SEED, 5L);

  @TempDir Path root;

  /** Two Gaussian blobs, 25% minority: class 1 is shifted by +2 on every feature. */
  static ExampleBuffer.Snapshot blobs(int rows, long seed) {
    Random random = new Random(seed);
    float[][] features = new float[rows][FEATURES];
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = random.nextDouble() < 0.25 ? 1 : 0;
      for (int f = 0; f < FEATURES; f++) {
        features[r][f] = (float) (random.nextGaussian() + (labels[r] == 1 ? 2.0 : 0.0));
      }
    }
    return new ExampleBuffer.Snapshot(features, labels, 2);
  }

  private static double accuracy(int[] predicted, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += predicted[i] == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }

  private static double recall(int[] predicted, int[] labels, int cls) {
    int hits = 0;
    int support = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == cls) {
        support++;
        hits += predicted[i] == cls ? 1 : 0;
      }
    }
    return (double) hits / support;
  }

  private static ModelMetadata metadata(int version) {
    return new ModelMetadata(
        "blobs",
        version,
        MlpClassifier.architecture(SPEC.hiddenUnits()),
        List.of("no", "yes"),
        List.of(),
        FEATURES,
        SPEC.hiddenUnits(),
        SPEC.seed(),
        "2026-01-01T00:00:00Z");
  }

  @Test
  void learnsASeparableProblemIncludingTheMinorityClass() {
    ExampleBuffer.Snapshot train = blobs(600, 1);
    ExampleBuffer.Snapshot test = blobs(400, 2);
    ModelStore store = new ModelStore(root);
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("blobs", FEATURES, 2, SPEC, Device.cpu())) {
      TabularMlpRoundTrainer.Result result = trainer.train(train, () -> false);

      assertThat(result.epochs()).isEqualTo(8);
      assertThat(result.epochLosses()).hasSize(8);
      assertThat(result.steps()).isEqualTo(8 * 19); // ceil(600 / 32) steps per epoch
      assertThat(result.examples()).isEqualTo(600);
      assertThat(result.trainLoss()).isEqualTo(result.epochLosses().get(7));
      assertThat(result.trainLoss()).isLessThan(result.epochLosses().get(0) * 0.7);
      assertThat(result.device()).isEqualTo("cpu()");
      store.save(trainer.model(), metadata(1), "");
    }
    try (StoredModel model = store.load(store.versionDir("blobs", 1))) {
      int[] predicted = model.predict(test.features());
      assertThat(accuracy(predicted, test.labels())).isGreaterThan(0.9);
      assertThat(recall(predicted, test.labels(), 1)).isGreaterThan(0.8);
    }
  }

  @Test
  void theSameSeedGivesTheSameLossesTwice() {
    ExampleBuffer.Snapshot train = blobs(300, 3);
    List<Double> first;
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("a", FEATURES, 2, SPEC, Device.cpu())) {
      first = trainer.train(train, () -> false).epochLosses();
    }
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("b", FEATURES, 2, SPEC, Device.cpu())) {
      assertThat(trainer.train(train, () -> false).epochLosses()).isEqualTo(first);
    }
    TrainerSpec otherSeed =
        TrainerSpec.defaults()
            .with(TrainerSpec.RETRAIN_EVERY, 100)
            .with(TrainerSpec.MAX_WAIT_SECONDS, 0)
            .with(TrainerSpec.BUFFER_CAPACITY, 1_000)
            .with(TrainerSpec.HIDDEN_UNITS, List.of(16))
            .with(TrainerSpec.LEARNING_RATE, 0.01)
            .with(TrainerSpec.WEIGHT_DECAY, 0.0001)
            .with(TrainerSpec.EPOCHS, 8)
            .with(TrainerSpec.BATCH_SIZE, 32)
            .with(TrainerSpec.SEED, 6L);
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("c", FEATURES, 2, otherSeed, Device.cpu())) {
      assertThat(trainer.train(train, () -> false).epochLosses()).isNotEqualTo(first);
    }
  }

  @Test
  void laterRoundsWarmStartFromTheModelInMemoryAndFromTheStore() {
    ExampleBuffer.Snapshot train = blobs(300, 4);
    ModelStore store = new ModelStore(root);
    double firstRoundFirstEpoch;
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("warm", FEATURES, 2, SPEC, Device.cpu())) {
      TabularMlpRoundTrainer.Result first = trainer.train(train, () -> false);
      firstRoundFirstEpoch = first.epochLosses().get(0);
      TabularMlpRoundTrainer.Result second = trainer.train(train, () -> false);
      assertThat(trainer.roundsTrained()).isEqualTo(2);
      assertThat(second.epochLosses().get(0)).isLessThan(first.trainLoss() * 1.2);
      assertThat(second.epochLosses().get(0)).isLessThan(firstRoundFirstEpoch * 0.7);
      store.save(trainer.model(), metadata(1), "");
    }
    StoredModel stored = store.load(store.versionDir("blobs", 1), Device.cpu());
    try (TabularMlpRoundTrainer resumed = TabularMlpRoundTrainer.continueFrom(stored, SPEC)) {
      TabularMlpRoundTrainer.Result third = resumed.train(train, () -> false);
      assertThat(third.epochLosses().get(0)).isLessThan(firstRoundFirstEpoch * 0.7);
    }
  }

  @Test
  void roundsDoNotLeakNativeArrays() {
    ExampleBuffer.Snapshot train = blobs(200, 6);
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("leak", FEATURES, 2, SPEC, Device.cpu())) {
      BaseNDManager manager = (BaseNDManager) trainer.model().getNDManager();
      trainer.train(train, () -> false);
      int afterFirstRound = manager.getManagedArrays().size();
      trainer.train(train, () -> false);
      trainer.train(train, () -> false);
      // 3 rounds x 8 epochs x 7 steps; per-step arrays would add hundreds.
      assertThat(manager.getManagedArrays()).hasSize(afterFirstRound);
    }
  }

  @Test
  void aRoundCanBeCancelledAndRejectsUnusableData() {
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("c", FEATURES, 2, SPEC, Device.cpu())) {
      assertThatThrownBy(() -> trainer.train(blobs(100, 5), () -> true))
          .isInstanceOf(CancellationException.class);
      assertThatThrownBy(
              () ->
                  trainer.train(
                      new ExampleBuffer.Snapshot(new float[0][], new int[0], 2), () -> false))
          .hasMessageContaining("empty");
      assertThatThrownBy(
              () ->
                  trainer.train(
                      new ExampleBuffer.Snapshot(new float[][] {new float[3]}, new int[] {0}, 2),
                      () -> false))
          .hasMessageContaining("3 features, the model takes 4");
    }
  }

  @Test
  void classWeightsBalanceTheClasses() {
    float[] weights = TabularMlpRoundTrainer.balancedClassWeights(new long[] {75, 25, 0});
    assertThat(weights[0] * 75)
        .isCloseTo(weights[1] * 25, org.assertj.core.data.Offset.offset(1e-3f));
    assertThat(weights[0]).isCloseTo(100f / (2 * 75), org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(weights[2]).isZero();
  }

  @Test
  void aWarmRoundRunsItsShareOfTheStepsAtTheLowerRateAndRecordsItsPlan() {
    ExampleBuffer.Snapshot train = blobs(600, 7);
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("plan", FEATURES, 2, SPEC, Device.cpu())) {
      TabularMlpRoundTrainer.Result cold = trainer.train(train, 600, () -> false);
      assertThat(cold.steps()).isEqualTo(8 * 19);
      assertThat(trainer.trainingDetails().get("round"))
          .isEqualTo(
              Map.of(
                  "warm", false,
                  "newExamples", 600L,
                  "newShare", 1.0,
                  "stepBudgetShare", 1.0,
                  "learningRate", 0.01,
                  "emaDecay", 0.0));

      // 30 new of 600: 5% x warmRoundScaling 1 of 8 x 19 steps = ceil(7.6)
      TabularMlpRoundTrainer.Result warm = trainer.train(train, 30, () -> false);
      assertThat(warm.steps()).isEqualTo(8);
      assertThat(warm.epochs()).isEqualTo(1);
      assertThat(warm.epochLosses()).hasSize(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> round = (Map<String, Object>) trainer.trainingDetails().get("round");
      assertThat(round.get("warm")).isEqualTo(true);
      assertThat(round.get("newShare")).isEqualTo(0.05);
      // 95% of the way from the full rate down to warmLrFactor's
      assertThat((double) round.get("learningRate"))
          .isCloseTo(0.01 * (1 - (1 - SPEC.warmLrFactor()) * 0.95), within(1e-12));
      assertThat((double) round.get("emaDecay")).isCloseTo(SPEC.warmEma() * 0.95, within(1e-12));
    }
  }

  @Test
  void theEmaAveragesTheRoundsParametersWithThoseBeforeIt() {
    ExampleBuffer.Snapshot train = blobs(300, 8);
    TrainerSpec noEma = SPEC.with(TrainerSpec.WARM_EMA, 0.0);
    TrainerSpec halfEma = SPEC.with(TrainerSpec.WARM_EMA, 0.5);
    try (TabularMlpRoundTrainer plain =
            TabularMlpRoundTrainer.create("plain", FEATURES, 2, noEma, Device.cpu());
        TabularMlpRoundTrainer averaged =
            TabularMlpRoundTrainer.create("averaged", FEATURES, 2, halfEma, Device.cpu())) {
      plain.train(train, () -> false);
      averaged.train(train, () -> false);
      float[] before = parameterValues(averaged);
      assertThat(parameterValues(plain)).containsExactly(before);

      plain.train(train, 60, () -> false);
      averaged.train(train, 60, () -> false);
      float[] trained = parameterValues(plain);
      float[] published = parameterValues(averaged);
      assertThat(trained).isNotEqualTo(before);
      double decay = 0.5 * (1 - 60 / 300.0); // the previous version knew 80% of the buffer
      for (int i = 0; i < published.length; i++) {
        assertThat(published[i])
            .isCloseTo((float) (decay * before[i] + (1 - decay) * trained[i]), within(1e-5f));
      }
    }
  }

  @Test
  void withTheWarmKeysOffEveryRoundRunsAllEpochsAndAContinuedVersionStartsWarm() {
    ExampleBuffer.Snapshot train = blobs(300, 9);
    TrainerSpec off =
        SPEC.with(TrainerSpec.WARM_ROUND_SCALING, 0.0)
            .with(TrainerSpec.WARM_LR_FACTOR, 1.0)
            .with(TrainerSpec.WARM_EMA, 0.0);
    ModelStore store = new ModelStore(root);
    try (TabularMlpRoundTrainer trainer =
        TabularMlpRoundTrainer.create("off", FEATURES, 2, off, Device.cpu())) {
      trainer.train(train, () -> false);
      assertThat(trainer.train(train, 3, () -> false).epochs()).isEqualTo(8);
      store.save(trainer.model(), metadata(1), "");
    }
    StoredModel stored = store.load(store.versionDir("blobs", 1), Device.cpu());
    try (TabularMlpRoundTrainer resumed = TabularMlpRoundTrainer.continueFrom(stored, SPEC)) {
      // 3 new of 300 after a restart: the stored weights are trained, so 1% of 8 x 10 steps
      assertThat(resumed.train(train, 3, () -> false).steps()).isEqualTo(1);
    }
  }

  private static float[] parameterValues(TabularMlpRoundTrainer trainer) {
    return trainer.model().getBlock().getParameters().values().stream()
        .map(p -> p.getArray().toFloatArray())
        .reduce(
            new float[0],
            (a, b) -> {
              float[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
              System.arraycopy(b, 0, joined, a.length, b.length);
              return joined;
            });
  }
}
