package io.streamtune.serve;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.gbt.GbtClassifier;
import io.streamtune.model.gbt.GbtTrainer;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.spec.GbtSpec;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small tabular pipeline, raw records for it and stored MLP or gbt versions with their
 * transforms.
 */
final class ServeFixtures {

  static final String MODEL_ID = "credit-serve";
  static final List<String> LABELS = List.of("good", "bad");

  static final String SPEC_YAML =
      """
      name: credit-serve
      label:
        column: Status
        classes: [good, bad]
      columns:
        Income: {type: numeric}
        Age: {type: numeric}
        Home: {type: categorical, categories: [owner, rent, parents]}
      split:
        holdoutFraction: 0.3
        salt: serve-test
      preprocess:
        steps:
          - impute: {strategy: mean}
          - impute: {strategy: most_frequent}
          - scale: {method: standard}
          - oneHot: {unseenBucket: true}
        unknownColumns: reject
      """;

  private ServeFixtures() {}

  static PipelineSpec spec() {
    return PipelineSpecs.parse(SPEC_YAML, "serve test");
  }

  /**
   * Records whose label follows income and age, with some cells missing (imputed) and some
   * categories outside the spec (the unseen slot).
   */
  static List<RawRecord> records(int n, long seed, String idPrefix) {
    Random random = new Random(seed);
    List<RawRecord> records = new ArrayList<>();
    String[] homes = {"owner", "rent", "parents", "boat"};
    for (int i = 0; i < n; i++) {
      double income = Math.round(500 + random.nextGaussian() * 200);
      double age = 20 + random.nextInt(50);
      Map<String, Object> values = new HashMap<>();
      if (i % 11 != 3) {
        values.put("Income", income);
      }
      if (i % 13 != 5) {
        values.put("Age", age);
      }
      if (i % 7 != 2) {
        values.put("Home", homes[random.nextInt(homes.length)]);
      }
      boolean bad = income < 450 ^ random.nextDouble() < 0.1;
      records.add(tabular(idPrefix + i, bad ? "bad" : "good", values));
    }
    return records;
  }

  static RawRecord tabular(String id, String label, Map<String, Object> values) {
    return RawRecord.newBuilder()
        .setId(id)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("serve-test")
        .setLabel(label)
        .setPayload(TabularPayload.newBuilder().setValues(values).build())
        .setAttributes(Map.of())
        .build();
  }

  /** The same record without its label: what a client sends. */
  static RawRecord unlabeled(RawRecord record) {
    return RawRecord.newBuilder(record).setLabel(null).build();
  }

  /**
   * Stores an MLP (one hidden layer of 4) with weights drawn from {@code seed}, its spec and {@code
   * transform} as {@value ModelStore#TRANSFORM_FILE} (null: none), and returns its version record.
   */
  static ModelVersion storeMlp(
      Path storeRoot, int version, long seed, TabularTransform transform, int features) {
    ModelStore store = new ModelStore(storeRoot);
    List<Integer> hidden = List.of(4);
    ModelMetadata metadata =
        new ModelMetadata(
            MODEL_ID,
            version,
            MlpClassifier.architecture(hidden),
            LABELS,
            List.of(),
            features,
            hidden,
            seed,
            Instant.now().toString());
    Path dir;
    try (Model model = Model.newInstance(MODEL_ID, Device.cpu())) {
      Block block = MlpClassifier.block(features, hidden, LABELS.size());
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, features));
      // small random weights, and a strong path from feature 0 (the scaled income): hidden unit 0
      // follows it up to "good", unit 1 down to "bad"
      Random random = new Random(seed);
      List<Parameter> parameters = new ArrayList<>(block.getParameters().values());
      for (int p = 0; p < parameters.size(); p++) {
        float[] values = new float[(int) parameters.get(p).getArray().size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextGaussian() * 0.3f;
        }
        if (p == 0) {
          values[0] = 2f;
          values[features] = -2f;
        } else if (p == 2) {
          values[0] = 2f; // good <- unit 0
          values[hidden.get(0) + 1] = 2f; // bad <- unit 1
        }
        parameters.get(p).getArray().set(values);
      }
      dir = store.save(model, metadata, SPEC_YAML);
    }
    return versionRecord(dir, version, MlpClassifier.architecture(hidden), transform, features);
  }

  /**
   * Stores gradient-boosted trees (backbone gbt, 20 iterations) fitted on {@code rows} and {@code
   * labels}, with {@code transform} as {@value ModelStore#TRANSFORM_FILE}, and returns its version
   * record.
   */
  static ModelVersion storeGbt(
      Path storeRoot, int version, float[][] rows, int[] labels, TabularTransform transform) {
    GbtTrainer.Params params =
        new GbtTrainer.Params(
            GbtSpec.defaults().with(GbtSpec.ROUNDS, 20), 0, version, 1, LABELS.size());
    int features = rows[0].length;
    ModelMetadata metadata =
        new ModelMetadata(
            MODEL_ID,
            version,
            GbtClassifier.ARCHITECTURE,
            LABELS,
            List.of(),
            features,
            List.of(),
            version,
            Instant.now().toString());
    Path dir;
    try (GbtClassifier classifier =
        GbtTrainer.fit(rows, labels, params, 0, () -> false).classifier()) {
      dir =
          new ModelStore(storeRoot)
              .save(
                  null,
                  metadata,
                  SPEC_YAML,
                  Map.<String, ModelStore.FileContent>of(
                      GbtClassifier.BOOSTER_FILE, classifier::writeTo));
    }
    return versionRecord(dir, version, GbtClassifier.ARCHITECTURE, transform, features);
  }

  /** Writes {@code transform} (null: none) into the version directory and builds its record. */
  private static ModelVersion versionRecord(
      Path dir, int version, String architecture, TabularTransform transform, int features) {
    if (transform != null) {
      try {
        Files.writeString(
            dir.resolve(ModelStore.TRANSFORM_FILE), transform.toJson(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ModelVersion.newBuilder()
        .setModelId(MODEL_ID)
        .setVersion(version)
        .setParentVersion(version == 1 ? null : version - 1)
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setStorePath(dir.toString())
        .setArchitecture(architecture)
        .setLabels(LABELS)
        .setFeatureCount(features)
        .setExamplesTrainedOn(100)
        .setNewExamples(100)
        .setTotalExamplesConsumed(100L * version)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0.3)
        .setEpochs(1)
        .setDurationMs(5)
        .setDevice("cpu")
        .setTransformVersion(transform == null ? null : transform.version())
        .build();
  }
}
