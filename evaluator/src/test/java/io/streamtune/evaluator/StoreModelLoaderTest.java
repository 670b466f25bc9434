package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.evaluator.VersionEvaluator.Evaluated;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.ImageInput;
import io.streamtune.model.image.LabeledImages;
import io.streamtune.model.image.UserBackbone;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator's loader on versions stored by the trainer's model code. */
class StoreModelLoaderTest {

  private static final List<String> LABELS = List.of("top-left", "bottom-right");

  /** Bright 10x10 square top-left (class 0) or bottom-right (class 1) on noise, in [0, 1]. */
  private static LabeledImages squares(int n, long seed) {
    Random random = new Random(seed);
    float[][] pixels = new float[n][ImageClassifierFineTuner.PIXELS];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(2);
      for (int p = 0; p < ImageClassifierFineTuner.PIXELS; p++) {
        pixels[i][p] = random.nextInt(50) / 255f;
      }
      int offset = labels[i] == 0 ? 3 : 15;
      for (int y = offset; y < offset + 10; y++) {
        for (int x = offset; x < offset + 10; x++) {
          pixels[i][y * 28 + x] = 1f;
        }
      }
    }
    return new LabeledImages(pixels, labels, 2);
  }

  @Test
  void aVersionOverAUserTorchScriptBackboneIsScoredAsTheTrainerPredicts(@TempDir Path dir)
      throws Exception {
    Path userFile =
        Files.copy(
            Path.of(getClass().getResource("/backbones/tiny-conv.pt").toURI()),
            dir.resolve("user.pt"));
    LabeledImages holdoutImages = squares(60, 2);
    int[] trainerPredictions;
    Path versionDir;
    Model model = Model.newInstance("user-backbone", Device.cpu(), "PyTorch");
    model.load(dir, "user", Map.of("trainParam", "true"));
    try (ImageClassifierFineTuner tuner =
        ImageClassifierFineTuner.overBackbone(
            model,
            model.getBlock(),
            2,
            TrainSettings.simple(0.003, 0.0, 3, 16, 1),
            Device.cpu(),
            ImageInput.GREY_28)) {
      tuner.train(squares(96, 1), () -> false);
      trainerPredictions = tuner.predict(holdoutImages.pixels());
      versionDir =
          new ModelStore(dir.resolve("store"))
              .save(
                  tuner.model(),
                  new ModelMetadata(
                      "byo",
                      1,
                      UserBackbone.architecture(userFile.toString()),
                      LABELS,
                      List.of(),
                      ImageClassifierFineTuner.PIXELS,
                      List.of(),
                      1,
                      "2026-01-01T00:00:00Z"),
                  "");
    }
    // the version is self-contained: the user's file is not needed to score it
    Files.delete(userFile);
    HoldoutSet holdout = new HoldoutSet(1000);
    for (int i = 0; i < holdoutImages.size(); i++) {
      int label = holdoutImages.labels()[i];
      holdout.add(
          "h" + i,
          LABELS.get(label),
          label,
          holdoutImages.pixels()[i],
          1,
          "examples.holdout",
          0,
          i);
    }
    ModelVersion version = ReportBuilderTest.modelVersion();
    version.setModelId("byo");
    version.setVersion(1);
    version.setStorePath(versionDir.toString());
    version.setArchitecture(UserBackbone.architecture(userFile.toString()));
    version.setLabels(LABELS);
    version.setFeatureCount(ImageClassifierFineTuner.PIXELS);

    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"));
        ScoringModel scoring = loader.load(version)) {
      assertThat(scoring.featureCount()).isEqualTo(ImageClassifierFineTuner.PIXELS);
      assertThat(scoring.predict(holdout.snapshot().inputs())).containsExactly(trainerPredictions);
    }
    int correct = 0;
    for (int i = 0; i < trainerPredictions.length; i++) {
      correct += trainerPredictions[i] == holdoutImages.labels()[i] ? 1 : 0;
    }
    assertThat(correct).as("the model learned the squares").isGreaterThan(54);

    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"))) {
      VersionEvaluator evaluator =
          new VersionEvaluator(
              loader, io.streamtune.spec.EvaluatorSpec.defaults(), Clock.systemUTC());
      Evaluated evaluated = (Evaluated) evaluator.evaluate(version, holdout.snapshot());
      assertThat(evaluated.report().getHoldoutSize()).isEqualTo(60);
      assertThat(evaluated.report().getAccuracy()).isEqualTo(correct / 60.0);
    }
  }

  @Test
  void onlyTheVersionsOwnFolderInTheStoreIsLoaded(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("store");
    Files.createDirectories(store.resolve("m").resolve("v1"));
    Files.createDirectories(dir.resolve("elsewhere"));
    ModelVersion version = ReportBuilderTest.modelVersion();
    version.setModelId("m");
    version.setVersion(1);

    try (StoreModelLoader loader = new StoreModelLoader(store)) {
      for (String path :
          List.of(
              dir.resolve("elsewhere").toString(),
              store.resolve("m").resolve("v1").resolve("..").resolve("..").toString(),
              store.resolve("m").resolve("v2").toString(),
              store.resolve("other").resolve("v1").toString())) {
        version.setStorePath(path);
        assertThatThrownBy(() -> loader.load(version))
            .as(path)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is not the folder of m v1 in the model store")
            .hasMessageEndingWith("not loaded");
      }
      // a link inside the store that leads out of it
      Files.createSymbolicLink(store.resolve("m").resolve("v2"), dir.resolve("elsewhere"));
      version.setVersion(2);
      version.setStorePath(store.resolve("m").resolve("v2").toString());
      assertThatThrownBy(() -> loader.load(version)).hasMessageEndingWith("not loaded");
      version.setModelId("../m");
      assertThatThrownBy(() -> loader.load(version))
          .hasMessageContaining("cannot name a store folder");
    }
  }
}
