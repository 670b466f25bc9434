package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.evaluator.HoldoutSet;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.media.MediaSpecs;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serving path against the preprocessing batch path and the evaluator's: same raw record, same
 * prediction (no training/serving skew); bad requests are rejections with a stage and a reason.
 */
class ServingModelTest {

  private static final String REGISTRY = "mock://serving-model-test";
  private static final String TOPIC = "streamtune.requests";

  @TempDir Path dir;

  private static byte[] serialize(SpecificRecord record) {
    try (Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      return serializer.serialize(TOPIC, record);
    }
  }

  private static RawEnvelope envelope(int offset, byte[] value) {
    return new RawEnvelope(TOPIC, 0, offset, null, value);
  }

  private static Deserializer<RawRecord> deserializer() {
    return AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "gbt"})
  void aServedTabularPredictionEqualsTheEvaluatorsOnTheHoldoutExampleOfTheSameRecord(
      String backbone) throws Exception {
    PipelineSpec spec = ServeFixtures.spec();
    List<RawRecord> records = ServeFixtures.records(300, 1, "r");
    PreprocessBatch.TabularResult batch =
        PreprocessBatch.tabular(spec, records.iterator(), PreprocessBatch.FitOn.TRAIN);
    assertThat(batch.rejected()).isEmpty();
    int features = batch.transform().featureNames().size();
    List<float[]> trainRows = new ArrayList<>();
    List<Integer> trainLabels = new ArrayList<>();
    for (Example example : batch.examples()) {
      if (example.getSplit() == Split.TRAIN) {
        float[] row = new float[features];
        for (int f = 0; f < features; f++) {
          row[f] = example.getFeatures().get(f);
        }
        trainRows.add(row);
        trainLabels.add(example.getLabelIndex());
      }
    }
    ModelVersion version =
        backbone.equals("gbt")
            ? ServeFixtures.storeGbt(
                dir.resolve("store"),
                1,
                trainRows.toArray(float[][]::new),
                trainLabels.stream().mapToInt(Integer::intValue).toArray(),
                batch.transform())
            : ServeFixtures.storeMlp(dir.resolve("store"), 1, 11, batch.transform(), features);

    HoldoutSet holdout = new HoldoutSet(10_000);
    int offset = 0;
    for (Example example : batch.examples()) {
      if (example.getSplit() == Split.HOLDOUT) {
        holdout.add(example, "examples.holdout", 0, offset++);
      }
    }
    HoldoutSet.Snapshot snapshot = holdout.snapshot();
    assertThat(snapshot.size()).isGreaterThan(60);

    Map<String, RawRecord> byId = new HashMap<>();
    records.forEach(r -> byId.put(r.getId(), r));
    List<RawEnvelope> requests = new ArrayList<>();
    for (int i = 0; i < snapshot.size(); i++) {
      // a client sends no label
      requests.add(
          envelope(i, serialize(ServeFixtures.unlabeled(byId.get(snapshot.ids().get(i))))));
    }

    float[][] evaluatorProbabilities;
    int[] evaluatorClasses;
    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"));
        ScoringModel evaluatorModel = loader.load(version)) {
      evaluatorProbabilities = evaluatorModel.probabilities(snapshot.inputs());
      evaluatorClasses = evaluatorModel.predict(snapshot.inputs());
    }
    List<Outcome<ServedPrediction>> one = new ArrayList<>();
    List<Outcome<ServedPrediction>> batched;
    List<ScoringInputs> scored = new ArrayList<>();
    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"), false);
        ServingModel serving =
            new ServingModel(
                version,
                spec,
                new Recording(loader.load(version), scored),
                TabularTransform.fromJson(
                    Files.readString(Path.of(version.getStorePath(), "transform.json"))),
                deserializer())) {
      assertThat(serving.transformVersion()).isEqualTo(batch.transform().version()).isPositive();
      batched = serving.predictAll(requests);
      for (RawEnvelope request : requests) {
        one.add(serving.predict(request));
      }
    }

    // the model was given exactly the holdout's floats, in one batch as the evaluator gives them
    assertThat(scored.get(0).features()).isEqualTo(snapshot.features());
    int bad = 0;
    for (int i = 0; i < snapshot.size(); i++) {
      ServedPrediction served = ((Outcome.Accepted<ServedPrediction>) batched.get(i)).value();
      assertThat(served.recordId()).isEqualTo(snapshot.ids().get(i));
      assertThat(served.probabilities()).as(served.recordId()).isEqualTo(evaluatorProbabilities[i]);
      assertThat(served.predictedIndex()).isEqualTo(evaluatorClasses[i]);
      assertThat(served.labels()).isEqualTo(ServeFixtures.LABELS);
      assertThat(served.transformVersion()).isEqualTo(batch.transform().version());
      // one request at a time: the same row, but libtorch may sum a batch of 1 in another order
      ServedPrediction alone = ((Outcome.Accepted<ServedPrediction>) one.get(i)).value();
      assertThat(scored.get(i + 1).features()[0]).isEqualTo(snapshot.features()[i]);
      assertThat(alone.predictedIndex()).isEqualTo(served.predictedIndex());
      for (int k = 0; k < 2; k++) {
        assertThat(alone.probabilities()[k]).isCloseTo(served.probabilities()[k], within(1e-6f));
      }
      bad += served.predictedIndex();
    }
    // the comparison means something only when the model tells records apart
    assertThat(bad).isBetween(1, snapshot.size() - 1);
  }

  /** Passes scoring on to a real model and keeps what it was given. */
  private record Recording(ScoringModel model, List<ScoringInputs> seen) implements ScoringModel {
    @Override
    public List<String> labels() {
      return model.labels();
    }

    @Override
    public int featureCount() {
      return model.featureCount();
    }

    @Override
    public float[][] probabilities(ScoringInputs inputs) {
      seen.add(inputs);
      return model.probabilities(inputs);
    }

    @Override
    public void close() {
      model.close();
    }
  }

  @Test
  void invalidRequestsAreRejectedWithTheirStageAndReason() {
    PipelineSpec spec = ServeFixtures.spec();
    PreprocessBatch.TabularResult batch =
        PreprocessBatch.tabular(
            spec, ServeFixtures.records(100, 2, "t").iterator(), PreprocessBatch.FitOn.TRAIN);
    ModelVersion version =
        ServeFixtures.storeMlp(
            dir.resolve("store"), 1, 3, batch.transform(), batch.transform().featureNames().size());
    Map<String, Object> huge = new HashMap<>();
    huge.put("Income", "9".repeat(950 * 1024));
    huge.put("Age", 30.0);
    Map<String, Object> wrongType = new HashMap<>(Map.of("Income", "lots", "Age", 30.0));
    Map<String, Object> unknownColumn = new HashMap<>(Map.of("Income", 1.0, "Colour", "red"));
    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"), false);
        ServingModel serving = ServingModel.load(version, spec, loader, deserializer())) {
      assertRejected(
          serving.predict(envelope(1, "not avro".getBytes(StandardCharsets.UTF_8))),
          "deserialize",
          "not a Confluent-Avro RawRecord");
      assertRejected(
          serving.predict(
              envelope(2, serialize(MediaSpecs.raw("img", null, MediaSpecs.text("hello"))))),
          "validate",
          "wrong payload type: expected tabular, got text");
      assertRejected(
          serving.predict(envelope(3, serialize(ServeFixtures.tabular("w", null, wrongType)))),
          "validate",
          "column 'Income'");
      Outcome<ServedPrediction> hugeOutcome =
          serving.predict(envelope(4, serialize(ServeFixtures.tabular("h", null, huge))));
      assertRejected(hugeOutcome, "validate", "column 'Income'");
      assertThat(((Outcome.Rejected<?>) hugeOutcome).reason()).hasSizeLessThan(2_000);
      DeadLetter letter = ((Outcome.Rejected<?>) hugeOutcome).deadLetter(Instant.EPOCH);
      assertThat(letter.getOffset()).isEqualTo(4);
      assertRejected(
          serving.predict(envelope(5, serialize(ServeFixtures.tabular("u", null, unknownColumn)))),
          "validate",
          "unknown column 'Colour'");
      assertRejected(
          serving.predict(
              envelope(
                  6,
                  serialize(
                      ServeFixtures.tabular(
                          "l", "maybe", new HashMap<>(Map.of("Income", 1.0, "Age", 2.0)))))),
          "validate",
          "unknown label 'maybe'");
      // a request with no cells at all is imputed like a training row with none
      assertThat(
              serving.predict(envelope(7, serialize(ServeFixtures.tabular("e", null, Map.of())))))
          .isInstanceOf(Outcome.Accepted.class);
    }
  }

  @Test
  void aMissingRequiredColumnIsRejectedWhereNothingImputesIt() {
    PipelineSpec spec =
        io.streamtune.spec.PipelineSpecs.parse(
            ServeFixtures.SPEC_YAML.replace("- impute: {strategy: mean}", "- dropMissing: {}"),
            "serve test");
    PreprocessBatch.TabularResult batch =
        PreprocessBatch.tabular(
            spec, ServeFixtures.records(100, 4, "m").iterator(), PreprocessBatch.FitOn.TRAIN);
    ModelVersion version =
        ServeFixtures.storeMlp(
            dir.resolve("store"), 1, 3, batch.transform(), batch.transform().featureNames().size());
    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"), false);
        ServingModel serving = ServingModel.load(version, spec, loader, deserializer())) {
      Outcome<ServedPrediction> outcome =
          serving.predict(
              envelope(
                  1,
                  serialize(
                      ServeFixtures.tabular(
                          "no-age", null, new HashMap<>(Map.of("Income", 1.0, "Home", "rent"))))));
      assertRejected(outcome, "clean", "Age");
    }
  }

  @Test
  void aTabularVersionWithoutItsFittedTransformIsRefusedNamingThePath() {
    ModelVersion version = ServeFixtures.storeMlp(dir.resolve("store"), 1, 3, null, 7);
    try (StoreModelLoader loader = new StoreModelLoader(dir.resolve("store"), false)) {
      assertThatThrownBy(
              () -> ServingModel.load(version, ServeFixtures.spec(), loader, deserializer()))
          .hasMessageContaining(
              Path.of(version.getStorePath()).resolve("transform.json").toString())
          .hasMessageContaining("cannot be served without the transform");
      ModelVersion elsewhere =
          ModelVersion.newBuilder(version).setStorePath(dir.toString()).build();
      assertThatThrownBy(
              () -> ServingModel.load(elsewhere, ServeFixtures.spec(), loader, deserializer()))
          .hasMessageEndingWith("not loaded");
    }
  }

  @Test
  void imagesAndTextsAreScoredOnTheHoldoutsPreparationNeverAugmented() {
    for (PipelineSpec spec : List.of(MediaSpecs.image(), MediaSpecs.text())) {
      boolean image = spec.modality() == PipelineSpec.Modality.IMAGE;
      List<RawRecord> records = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        Object payload =
            image
                ? MediaSpecs.rawImage(4, 3, 1, ramp(12, i))
                : MediaSpecs.text(
                    "  message number " + i + " with some words to cut at forty chars");
        records.add(MediaSpecs.raw("m" + i, spec.label().classes().get(i % 2), payload));
      }
      HoldoutSet holdout = new HoldoutSet(1000);
      PreprocessBatch.Media media = PreprocessBatch.media(spec);
      List<Example> examples = new ArrayList<>();
      for (RawRecord record : records) {
        media.accept(record, examples::add);
      }
      int offset = 0;
      for (Example example : examples) {
        if (example.getSplit() == Split.HOLDOUT) {
          holdout.add(example, "examples.holdout", 0, offset++);
        }
      }
      HoldoutSet.Snapshot snapshot = holdout.snapshot();
      assertThat(snapshot.size()).isGreaterThan(5);
      Map<String, RawRecord> byId = new HashMap<>();
      records.forEach(r -> byId.put(r.getId(), r));

      RecordingModel model = new RecordingModel(spec.label().classes(), image ? 12 : 0);
      ModelVersion version =
          ModelVersion.newBuilder(ServeFixtures.storeMlp(dir.resolve("s" + image), 1, 1, null, 2))
              .setModelId(spec.name())
              .build();
      try (ServingModel serving = new ServingModel(version, spec, model, null, deserializer())) {
        for (int i = 0; i < snapshot.size(); i++) {
          RawRecord request = ServeFixtures.unlabeled(byId.get(snapshot.ids().get(i)));
          Outcome<ServedPrediction> outcome = serving.predict(envelope(i, serialize(request)));
          assertThat(outcome).as(spec.name()).isInstanceOf(Outcome.Accepted.class);
          assertThat(((Outcome.Accepted<ServedPrediction>) outcome).value().transformVersion())
              .isZero();
        }
        for (int i = 0; i < snapshot.size(); i++) {
          assertThat(model.seen.get(i).features()[0]).isEqualTo(snapshot.features()[i]);
          assertThat(model.seen.get(i).texts().get(0)).isEqualTo(snapshot.texts().get(i));
        }
        if (image) {
          RawRecord badHeader =
              MediaSpecs.raw(
                  "png",
                  null,
                  MediaSpecs.encoded(
                      ImageEncoding.PNG, "GIF89a not a png".getBytes(StandardCharsets.UTF_8)));
          assertRejected(serving.predict(envelope(99, serialize(badHeader))), "validate", "PNG");
          RawRecord wrongShape =
              MediaSpecs.raw("shape", null, MediaSpecs.rawImage(5, 3, 1, ramp(15, 0)));
          assertRejected(serving.predict(envelope(98, serialize(wrongShape))), "validate", "5");
        } else {
          RawRecord empty = MediaSpecs.raw("empty", null, MediaSpecs.text("   "));
          assertRejected(serving.predict(envelope(99, serialize(empty))), "validate", "empty text");
        }
      }
    }
  }

  private static byte[] ramp(int length, int shift) {
    byte[] pixels = new byte[length];
    for (int i = 0; i < length; i++) {
      pixels[i] = (byte) ((i * 37 + shift * 11) % 256);
    }
    return pixels;
  }

  private static void assertRejected(Outcome<?> outcome, String stage, String reasonPart) {
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    Outcome.Rejected<?> rejected = (Outcome.Rejected<?>) outcome;
    assertThat(rejected.stage()).isEqualTo(stage);
    assertThat(rejected.reason()).contains(reasonPart);
    assertThat(rejected.source()).as("the request, for its dead letter").isNotNull();
  }

  /** Records what it was asked to score; predicts the first class with probability 1. */
  private static final class RecordingModel implements ScoringModel {
    final List<ScoringInputs> seen = new ArrayList<>();
    private final List<String> labels;
    private final int width;

    RecordingModel(List<String> labels, int width) {
      this.labels = labels;
      this.width = width;
    }

    @Override
    public List<String> labels() {
      return labels;
    }

    @Override
    public int featureCount() {
      return width;
    }

    @Override
    public float[][] probabilities(ScoringInputs inputs) {
      seen.add(inputs);
      float[][] out = new float[inputs.size()][labels.size()];
      for (float[] row : out) {
        row[0] = 1f;
      }
      return out;
    }

    @Override
    public void close() {}
  }
}
