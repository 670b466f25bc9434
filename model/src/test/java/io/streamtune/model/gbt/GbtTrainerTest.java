package io.streamtune.model.gbt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.model.scoring.StoredVersions;
import io.streamtune.spec.GbtSpec;
import io.streamtune.spec.Setting;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GbtTrainerTest {

  /**
   * Three classes by which of two nonlinear regions a point falls in (a ring and a half-plane),
   * with 5 % of the labels flipped: a linear model cannot separate them, trees can.
   */
  record Data(float[][] rows, int[] labels) {
    static Data of(int n, long seed) {
      Random random = new Random(seed);
      float[][] rows = new float[n][];
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        float x = (float) random.nextGaussian();
        float y = (float) random.nextGaussian();
        float noise = (float) random.nextGaussian();
        rows[i] = new float[] {x, y, noise};
        double radius = Math.hypot(x, y);
        labels[i] = radius < 0.8 ? 0 : (x > 0.3 ? 1 : 2);
        if (random.nextDouble() < 0.05) {
          labels[i] = random.nextInt(3);
        }
      }
      return new Data(rows, labels);
    }
  }

  private static GbtTrainer.Params params(GbtSpec gbt, double validation, long seed, int classes) {
    return new GbtTrainer.Params(gbt, validation, seed, 1, classes);
  }

  private static double accuracy(GbtClassifier classifier, Data data) {
    int[] predicted = ScoringModel.argMax(classifier.probabilities(data.rows()));
    int right = 0;
    for (int i = 0; i < predicted.length; i++) {
      right += predicted[i] == data.labels()[i] ? 1 : 0;
    }
    return (double) right / predicted.length;
  }

  @Test
  void learnsANonlinearThreeClassProblemWithProbabilitiesThatSumToOne() {
    Data train = Data.of(1500, 1);
    Data holdout = Data.of(500, 2);
    GbtTrainer.Fit fit =
        GbtTrainer.fit(
            train.rows(), train.labels(), params(GbtSpec.defaults(), 0, 42, 3), 0, () -> false);
    try (GbtClassifier classifier = fit.classifier()) {
      assertThat(fit.iterations()).isEqualTo(100);
      assertThat(fit.bestIteration()).isEqualTo(99);
      assertThat(fit.stoppedEarly()).isFalse();
      assertThat(fit.validationLosses()).isEmpty();
      assertThat(fit.trainRows()).isEqualTo(1500);
      assertThat(classifier.iterations()).isEqualTo(100);
      // 5 % flipped labels, two thirds of them to another class: about 96.7 % is the ceiling
      assertThat(accuracy(classifier, holdout)).isGreaterThan(0.9);
      assertThat(fit.trainLoss()).isLessThan(0.3).isPositive();
      float[][] probabilities = classifier.probabilities(holdout.rows());
      assertThat(probabilities).hasNumberOfRows(500);
      for (float[] row : probabilities) {
        assertThat(row).hasSize(3);
        float sum = 0;
        for (float p : row) {
          assertThat(p).isBetween(0f, 1f);
          sum += p;
        }
        assertThat(sum).isCloseTo(1f, within(1e-5f));
      }
      assertThatThrownBy(() -> classifier.probabilities(new float[][] {{1f, 2f}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 0 has 2 features, the model takes 3");
      assertThat(classifier.probabilities(new float[0][])).isEmpty();
    }
  }

  @Test
  void theSameSeedGivesTheSameTreesAndAnotherSeedOtherDraws() {
    Data train = Data.of(600, 3);
    GbtSpec sampled =
        GbtSpec.defaults()
            .with(GbtSpec.SUBSAMPLE, 0.7)
            .with(GbtSpec.COLSAMPLE_BYTREE, 0.7)
            .with(GbtSpec.ROUNDS, 30);
    float[][] first = probabilitiesOf(train, params(sampled, 0.2, 7, 3));
    float[][] again = probabilitiesOf(train, params(sampled, 0.2, 7, 3));
    float[][] otherSeed = probabilitiesOf(train, params(sampled, 0.2, 8, 3));

    assertThat(again).isDeepEqualTo(first);
    assertThat(java.util.Arrays.deepEquals(otherSeed, first)).isFalse();
  }

  private static float[][] probabilitiesOf(Data train, GbtTrainer.Params params) {
    GbtTrainer.Fit fit = GbtTrainer.fit(train.rows(), train.labels(), params, 0, () -> false);
    try (GbtClassifier classifier = fit.classifier()) {
      return classifier.probabilities(train.rows());
    }
  }

  @Test
  void stopsEarlyOnTheValidationSliceAndScoresWithTheBestIteration() {
    Data train = Data.of(800, 4);
    GbtSpec eager =
        GbtSpec.defaults()
            .with(GbtSpec.ROUNDS, 400)
            .with(GbtSpec.LEARNING_RATE, 0.5)
            .with(GbtSpec.EARLY_STOPPING_ROUNDS, 5);
    GbtTrainer.Fit fit =
        GbtTrainer.fit(train.rows(), train.labels(), params(eager, 0.25, 42, 3), 0, () -> false);
    try (GbtClassifier classifier = fit.classifier()) {
      assertThat(fit.stoppedEarly()).isTrue();
      assertThat(fit.iterations()).isLessThan(400).isEqualTo(fit.bestIteration() + 1 + 5);
      assertThat(fit.validationLosses()).hasSize(fit.iterations());
      assertThat(fit.validationRows()).isEqualTo(800 - fit.trainRows()).isBetween(195, 200);
      double best = Collections.min(fit.validationLosses());
      assertThat(fit.validationLosses().get(fit.bestIteration())).isEqualTo(best);
      assertThat(fit.validationLosses().subList(fit.bestIteration() + 1, fit.iterations()))
          .allSatisfy(loss -> assertThat(loss).isGreaterThanOrEqualTo(best));
      assertThat(classifier.iterations()).isEqualTo(fit.bestIteration() + 1);
    }
  }

  @Test
  void balancedClassWeightsRaiseTheRecallOfARareClass() {
    Random random = new Random(9);
    int n = 2000;
    float[][] rows = new float[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      // class 1 (8 %) sits a little to the right of class 0: they overlap
      labels[i] = random.nextDouble() < 0.08 ? 1 : 0;
      rows[i] = new float[] {(float) (random.nextGaussian() + 1.2 * labels[i])};
    }
    GbtSpec few = GbtSpec.defaults().with(GbtSpec.ROUNDS, 30);
    double balanced =
        rareRecall(rows, labels, few.with(GbtSpec.CLASS_WEIGHT, GbtSpec.ClassWeight.BALANCED));
    double unweighted =
        rareRecall(rows, labels, few.with(GbtSpec.CLASS_WEIGHT, GbtSpec.ClassWeight.NONE));

    assertThat(balanced).isGreaterThan(0.5);
    assertThat(unweighted).isLessThan(0.3);
  }

  private static double rareRecall(float[][] rows, int[] labels, GbtSpec gbt) {
    GbtTrainer.Fit fit = GbtTrainer.fit(rows, labels, params(gbt, 0, 42, 2), 0, () -> false);
    try (GbtClassifier classifier = fit.classifier()) {
      float[][] probabilities = classifier.probabilities(rows);
      assertThat(probabilities[0]).hasSize(2);
      assertThat(probabilities[0][0] + probabilities[0][1]).isCloseTo(1f, within(1e-6f));
      int[] predicted = ScoringModel.argMax(probabilities);
      int rare = 0;
      int found = 0;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == 1) {
          rare++;
          found += predicted[i];
        }
      }
      return (double) found / rare;
    }
  }

  @Test
  void aBufferOfOneClassStillTrainsAModelThatPredictsIt() {
    float[][] rows = {{0f}, {1f}, {2f}, {3f}};
    for (int classes : new int[] {2, 3}) {
      int[] labels = {1, 1, 1, 1};
      GbtTrainer.Fit fit =
          GbtTrainer.fit(rows, labels, params(GbtSpec.defaults(), 0.2, 1, classes), 0, () -> false);
      try (GbtClassifier classifier = fit.classifier()) {
        assertThat(ScoringModel.argMax(classifier.probabilities(rows))).containsOnly(1);
      }
    }
  }

  @Test
  void aStoredBoosterLoadsThroughTheStoreLoaderAndScoresTheSame(@TempDir Path dir)
      throws Exception {
    Data train = Data.of(400, 5);
    Data holdout = Data.of(100, 6);
    GbtTrainer.Fit fit =
        GbtTrainer.fit(
            train.rows(),
            train.labels(),
            params(GbtSpec.defaults().with(GbtSpec.ROUNDS, 200), 0.2, 42, 3),
            0,
            () -> false);
    List<String> labels = List.of("inner", "right", "left");
    try (GbtClassifier classifier = fit.classifier()) {
      assertThat(fit.stoppedEarly()).as("so the stored iterations matter").isTrue();
      float[][] expected = classifier.probabilities(holdout.rows());
      ModelStore store = new ModelStore(dir);
      ModelMetadata metadata =
          new ModelMetadata(
              "rings",
              1,
              GbtClassifier.ARCHITECTURE,
              labels,
              List.of("x", "y", "noise"),
              3,
              List.of(),
              42,
              Instant.EPOCH.toString());
      Path versionDir =
          store.save(
              null,
              metadata,
              "",
              Map.<String, ModelStore.FileContent>of(
                  GbtClassifier.BOOSTER_FILE, classifier::writeTo));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < holdout.rows().length; i++) {
        ids.add("r" + i);
      }
      try (StoreModelLoader loader = new StoreModelLoader(dir, false);
          ScoringModel model = loader.load(StoredVersions.of(versionDir, metadata, 3))) {
        ScoringInputs inputs = ScoringInputs.ofFeatures(ids, holdout.rows());
        assertThat(model.labels()).isEqualTo(labels);
        assertThat(model.featureCount()).isEqualTo(3);
        assertThat(model.probabilities(inputs)).isDeepEqualTo(expected);
        assertThat(model.predict(inputs)).isEqualTo(ScoringModel.argMax(expected));
        assertThatThrownBy(
                () -> model.probabilities(ScoringInputs.ofFeatures(ids, new float[100][2])))
            .hasMessageContaining("has 2 features, the model takes 3");
      }
      try (GbtClassifier read = GbtClassifier.read(versionDir, 3, 3)) {
        assertThat(read.iterations()).isEqualTo(fit.bestIteration() + 1);
      }
      assertThatThrownBy(() -> GbtClassifier.read(versionDir, 3, 4))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes 3 features, its metadata says 4");
      assertThatThrownBy(() -> GbtClassifier.read(versionDir, 2, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("scores 3 outputs; the metadata has 2 classes");
      Files.write(versionDir.resolve(GbtClassifier.BOOSTER_FILE), new byte[] {1, 2, 3});
      assertThatThrownBy(() -> GbtClassifier.read(versionDir, 3, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot read");
      Files.delete(versionDir.resolve(GbtClassifier.BOOSTER_FILE));
      assertThatThrownBy(() -> GbtClassifier.read(versionDir, 3, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no " + GbtClassifier.BOOSTER_FILE);
    }
  }

  @Test
  void repeatedFitsFreeEveryNativeMatrixAndBoosterEvenWhenCancelledOrRefused() {
    Data train = Data.of(300, 8);
    int boostersBefore = GbtClassifier.liveBoosters();
    GbtTrainer.Params params = params(GbtSpec.defaults().with(GbtSpec.ROUNDS, 20), 0.2, 42, 3);
    for (int round = 0; round < 25; round++) {
      GbtTrainer.Fit fit = GbtTrainer.fit(train.rows(), train.labels(), params, round, () -> false);
      assertThat(GbtTrainer.liveMatrices()).isZero();
      assertThat(GbtClassifier.liveBoosters()).isEqualTo(boostersBefore + 1);
      fit.classifier().close();
      fit.classifier().close();
      assertThat(GbtClassifier.liveBoosters()).isEqualTo(boostersBefore);
    }
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(
            () ->
                GbtTrainer.fit(
                    train.rows(), train.labels(), params, 0, () -> checks.incrementAndGet() > 3))
        .isInstanceOf(CancellationException.class);
    assertThat(checks).hasValue(4);
    int[] badLabels = train.labels().clone();
    badLabels[7] = 3;
    assertThatThrownBy(() -> GbtTrainer.fit(train.rows(), badLabels, params, 0, () -> false))
        .hasMessageContaining("label 3 is not a class index in 0..2");
    float[][] ragged = train.rows().clone();
    ragged[9] = new float[] {1f};
    assertThatThrownBy(() -> GbtTrainer.fit(ragged, train.labels(), params, 0, () -> false))
        .hasMessageContaining("has 1 features, the first has 3");
    assertThat(GbtTrainer.liveMatrices()).isZero();
    assertThat(GbtClassifier.liveBoosters()).isEqualTo(boostersBefore);

    GbtTrainer.Fit fit = GbtTrainer.fit(train.rows(), train.labels(), params, 0, () -> false);
    fit.classifier().close();
    assertThatThrownBy(() -> fit.classifier().probabilities(train.rows()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> fit.classifier().writeTo(OutputStream.nullOutputStream()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyGbtKeyReachesXgboostOrTheBoostingLoop() {
    GbtTrainer.Params defaults = params(GbtSpec.defaults(), 0, 42, 3);
    Map<String, Object> base = defaults.booster(0);
    assertThat(base)
        .containsEntry("objective", "multi:softprob")
        .containsEntry("num_class", 3)
        .containsEntry("tree_method", "hist")
        .containsEntry("grow_policy", "lossguide")
        .containsEntry("max_leaves", 31)
        .containsEntry("max_depth", 0)
        .containsEntry("eta", 0.1)
        .containsEntry("min_child_weight", 1.0)
        .containsEntry("lambda", 1.0)
        .containsEntry("max_bin", 255)
        .containsEntry("nthread", 1);
    assertThat(params(GbtSpec.defaults(), 0, 42, 2).booster(0))
        .containsEntry("objective", "binary:logistic")
        .doesNotContainKey("num_class");
    Map<Setting<?>, Map.Entry<Object, Map.Entry<String, Object>>> changed = new LinkedHashMap<>();
    changed.put(GbtSpec.LEARNING_RATE, Map.entry(0.05, Map.entry("eta", 0.05)));
    changed.put(GbtSpec.MAX_DEPTH, Map.entry(4, Map.entry("max_depth", 4)));
    changed.put(GbtSpec.MAX_LEAVES, Map.entry(0, Map.entry("grow_policy", "depthwise")));
    changed.put(GbtSpec.MIN_CHILD_WEIGHT, Map.entry(3.0, Map.entry("min_child_weight", 3.0)));
    changed.put(GbtSpec.SUBSAMPLE, Map.entry(0.5, Map.entry("subsample", 0.5)));
    changed.put(GbtSpec.COLSAMPLE_BYTREE, Map.entry(0.6, Map.entry("colsample_bytree", 0.6)));
    changed.put(GbtSpec.LAMBDA, Map.entry(2.5, Map.entry("lambda", 2.5)));
    changed.put(GbtSpec.MAX_BIN, Map.entry(64, Map.entry("max_bin", 64)));
    changed.forEach(
        (setting, change) -> {
          // maxLeaves 0 needs a depth limit
          GbtSpec gbt = GbtSpec.defaults().with(GbtSpec.MAX_DEPTH, 6);
          @SuppressWarnings("unchecked")
          Setting<Object> key = (Setting<Object>) setting;
          Map<String, Object> booster = params(gbt.with(key, change.getKey()), 0, 42, 3).booster(0);
          assertThat(booster)
              .as(setting.name())
              .containsEntry(change.getValue().getKey(), change.getValue().getValue());
        });
    assertThat(new GbtTrainer.Params(GbtSpec.defaults(), 0, 42, 3, 3).booster(0))
        .containsEntry("nthread", 3);
    assertThat(defaults.booster(1).get("seed")).isNotEqualTo(base.get("seed"));
    // rounds, earlyStoppingRounds and classWeight drive the loop: the tests above check each
    Set<String> checkedByFit = Set.of("rounds", "earlyStoppingRounds", "classWeight");
    Set<String> all = new HashSet<>(checkedByFit);
    changed.keySet().forEach(setting -> all.add(setting.name()));
    assertThat(all)
        .containsExactlyInAnyOrderElementsOf(GbtSpec.SETTINGS.stream().map(Setting::name).toList());
  }

  @Test
  void evaluationLinesParseToTheirMetric() {
    assertThat(GbtTrainer.lossOf("[3]\tvalid-mlogloss:0.41230000000000000"))
        .isCloseTo(0.4123, within(1e-12));
    assertThatThrownBy(() -> GbtTrainer.lossOf("garbled")).hasMessageContaining("garbled");
  }
}
