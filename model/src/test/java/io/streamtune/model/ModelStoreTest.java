package io.streamtune.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  private static final int FEATURES = 5;

  @TempDir Path root;

  private static ModelMetadata metadata(int version) {
    return new ModelMetadata(
        "credit",
        version,
        MlpClassifier.architecture(List.of(8, 4)),
        List.of("good", "bad", "unknown"),
        List.of("a", "b", "c", "d", "e"),
        FEATURES,
        List.of(8, 4),
        7L,
        "2026-01-01T00:00:00Z");
  }

  /** A freshly initialised (untrained) model: random weights are enough to compare outputs. */
  private static Model initialisedModel(ModelMetadata metadata) {
    Engine.getInstance().setRandomSeed(11);
    Model model = Model.newInstance(metadata.modelId(), Device.cpu());
    model.setBlock(MlpClassifier.block(metadata));
    model
        .getBlock()
        .initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, metadata.featureCount()));
    return model;
  }

  private static float[][] randomRows(int rows, long seed) {
    Random random = new Random(seed);
    float[][] data = new float[rows][FEATURES];
    for (float[] row : data) {
      for (int i = 0; i < FEATURES; i++) {
        row[i] = (float) random.nextGaussian() * 3;
      }
    }
    return data;
  }

  @Test
  void saveThenLoadGivesIdenticalPredictionsAndWritesTheLayout() throws Exception {
    ModelStore store = new ModelStore(root);
    ModelMetadata metadata = metadata(1);
    float[][] rows = randomRows(2_500, 3); // more than one internal batch
    float[][] before;
    try (StoredModel original = new StoredModel(initialisedModel(metadata), metadata, root)) {
      before = original.predictProbabilities(rows);
      Path dir = store.save(original.model(), metadata, "name: credit\n");
      assertThat(dir).isEqualTo(store.versionDir("credit", 1));
    }

    Path dir = root.resolve("credit").resolve("v1");
    assertThat(dir.resolve("metadata.json")).isRegularFile();
    assertThat(dir.resolve("mlp-0000.params")).isRegularFile();
    assertThat(Files.readString(dir.resolve("spec.yaml"))).isEqualTo("name: credit\n");
    try (Stream<Path> siblings = Files.list(root.resolve("credit"))) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("v1");
    }

    try (StoredModel loaded = store.load(dir)) {
      assertThat(loaded.metadata()).isEqualTo(metadata);
      float[][] after = loaded.predictProbabilities(rows);
      assertThat(after).isDeepEqualTo(before);
      int[] classes = loaded.predict(rows);
      assertThat(classes).hasSize(rows.length);
      for (int r = 0; r < rows.length; r++) {
        float[] p = after[r];
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(p[classes[r]]).isEqualTo(Math.max(p[0], Math.max(p[1], p[2])));
      }
      // Batching must not change results: one row at a time gives the same numbers.
      // Batching must not change results beyond float rounding (BLAS kernels differ by size).
      assertThat(loaded.predictProbabilities(new float[][] {rows[2_049]})[0])
          .containsExactly(after[2_049], org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void thePenultimateLayerIsWhatTheLastLayerTurnsIntoTheProbabilities() throws Exception {
    ModelStore store = new ModelStore(root);
    ModelMetadata metadata = metadata(1);
    float[][] rows = randomRows(40, 9);
    try (StoredModel original = new StoredModel(initialisedModel(metadata), metadata, root)) {
      store.save(original.model(), metadata, "");
    }
    try (StoredModel loaded = store.load(store.versionDir("credit", 1))) {
      float[][] hidden = loaded.penultimate(rows);
      float[][] probabilities = loaded.predictProbabilities(rows);
      ai.djl.nn.Block last =
          ((ai.djl.nn.SequentialBlock) loaded.model().getBlock()).getChildren().values().get(4);
      float[] weight = last.getParameters().get("weight").getArray().toFloatArray();
      float[] bias = last.getParameters().get("bias").getArray().toFloatArray();
      int positive = 0;
      for (int r = 0; r < rows.length; r++) {
        // the last hidden layer of mlp[8,4], after its ReLU
        assertThat(hidden[r]).hasSize(4);
        for (float h : hidden[r]) {
          assertThat(h).isGreaterThanOrEqualTo(0f);
          positive += h > 0 ? 1 : 0;
        }
        double[] logits = new double[3];
        double sum = 0;
        for (int k = 0; k < 3; k++) {
          logits[k] = bias[k];
          for (int j = 0; j < 4; j++) {
            logits[k] += weight[k * 4 + j] * hidden[r][j];
          }
          sum += Math.exp(logits[k]);
        }
        for (int k = 0; k < 3; k++) {
          assertThat((double) probabilities[r][k])
              .isCloseTo(Math.exp(logits[k]) / sum, org.assertj.core.data.Offset.offset(1e-5));
        }
      }
      assertThat(positive).isGreaterThan(rows.length);
    }
  }

  @Test
  void latestVersionListsOnlyCompleteVersionsAndVersionsAreImmutable() throws Exception {
    ModelStore store = new ModelStore(root);
    assertThat(store.latestVersion("credit")).isEmpty();
    try (Model model = initialisedModel(metadata(1))) {
      store.save(model, metadata(1), "");
      store.save(model, metadata(2), "");
      store.save(model, metadata(10), "");
      Files.createDirectories(root.resolve("credit").resolve("v11")); // incomplete: no metadata
      Files.createDirectories(root.resolve("credit").resolve(".tmp-v12-x"));

      assertThat(store.versions("credit")).containsExactly(1, 2, 10);
      assertThat(store.latestVersion("credit")).contains(10);
      assertThatThrownBy(() -> store.save(model, metadata(2), ""))
          .isInstanceOf(ModelStoreException.class)
          .hasMessageContaining("already exists")
          .hasMessageContaining(store.versionDir("credit", 2).toString());
    }
  }

  @Test
  void loadingAMissingDirectoryNamesThePath() {
    Path missing = root.resolve("credit").resolve("v9");
    assertThatThrownBy(() -> new ModelStore(root).load(missing))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void loadingCorruptParametersNamesThePath() throws Exception {
    ModelStore store = new ModelStore(root);
    Path dir;
    try (Model model = initialisedModel(metadata(1))) {
      dir = store.save(model, metadata(1), "");
    }
    Path params = dir.resolve("mlp-0000.params");
    byte[] bytes = Files.readAllBytes(params);
    Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> store.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining(dir.toString());

    Files.write(params, "garbage".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining(dir.toString());

    Files.delete(params);
    assertThatThrownBy(() -> store.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("no parameter file")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void loadingCorruptOrMismatchedMetadataNamesThePath() throws Exception {
    ModelStore store = new ModelStore(root);
    Path dir;
    try (Model model = initialisedModel(metadata(1))) {
      dir = store.save(model, metadata(1), "");
    }
    Path metadataFile = dir.resolve("metadata.json");
    String good = Files.readString(metadataFile);

    Files.writeString(metadataFile, "{not json");
    assertThatThrownBy(() -> store.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining(metadataFile.toString());

    Files.writeString(metadataFile, good.replace("\"featureCount\" : 5", "\"featureCount\" : 2"));
    assertThatThrownBy(() -> store.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining(dir.toString());

    Files.delete(metadataFile);
    assertThatThrownBy(() -> store.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("metadata.json")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void rowsOfTheWrongWidthAreRejected() throws Exception {
    ModelMetadata metadata = metadata(1);
    try (StoredModel model = new StoredModel(initialisedModel(metadata), metadata, root)) {
      assertThatThrownBy(() -> model.predict(new float[][] {new float[FEATURES], new float[3]}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 1 has 3 features")
          .hasMessageContaining("expects 5");
      assertThat(model.predict(new float[0][])).isEmpty();
    }
  }
}
