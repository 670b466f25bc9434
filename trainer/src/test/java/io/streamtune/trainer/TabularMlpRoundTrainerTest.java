package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.spec.TrainerSpec;
import java.nio.file.Path;
import java.util.List;
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
}
