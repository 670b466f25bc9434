package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import io.streamtune.evaluator.HoldoutSet;
import io.streamtune.evaluator.VersionEvaluator;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.model.text.bert.BertClassifier;
import io.streamtune.model.text.bert.BertClassifierStore;
import io.streamtune.model.text.bert.BertFineTuner;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.EvaluatorSpec;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SpecException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backbone {@code minilm-finetune} in the trainer: a round on a tiny slice of Amazon reviews (24
 * texts, 32 tokens, 1 epoch of 3 steps, 1 thread), stored as the trainer service stores versions,
 * then loaded and scored by the evaluator.
 */
class TextTransformerRoundTrainerTest {

  private static final List<String> LABELS = List.of("great", "other");
  private static final List<String> TEXTS = new ArrayList<>();
  private static final List<Integer> Y = new ArrayList<>();

  private static final String SPEC =
      """
      name: reviews-tiny
      modality: text
      label:
        classes: [great, other]
      trainer:
        seed: 5
        backbone: minilm-finetune
        transformer:
          strategy: full
          learningRate: 1.0e-4
          headLearningRate: 3.0e-3
          epochs: 1
          batchSize: 8
          maxLength: 32
      """;

  @BeforeAll
  static void readSlice() throws Exception {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                TextTransformerRoundTrainerTest.class.getResourceAsStream("/reviews-32.tsv"),
                StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.startsWith("#")) {
          int tab = line.indexOf('\t');
          Y.add(LABELS.indexOf(line.substring(0, tab)));
          TEXTS.add(line.substring(tab + 1));
        }
      }
    }
    assertThat(TEXTS).hasSize(32);
  }

  /** Two of every eight reviews (one great, one other) are held out; the other 24 train. */
  private static boolean heldOut(int i) {
    return i % 8 >= 6;
  }

  private static ExampleBuffer.Snapshot trainingSlice() {
    ExampleBuffer buffer = new ExampleBuffer(100, 2, 1L);
    for (int i = 0; i < TEXTS.size(); i++) {
      if (!heldOut(i)) {
        buffer.add(new ExampleBuffer.Item("r-" + i, Y.get(i), null, null, TEXTS.get(i)));
      }
    }
    return buffer.snapshot();
  }

  private static HoldoutSet.Snapshot holdout() {
    List<String> ids = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      if (heldOut(i)) {
        ids.add("r-" + i);
        labels.add(LABELS.get(Y.get(i)));
        texts.add(TEXTS.get(i));
      }
    }
    int[] indexes = labels.stream().mapToInt(LABELS::indexOf).toArray();
    return new HoldoutSet.Snapshot(ids, labels, indexes, new float[ids.size()][0], 1, texts);
  }

  private static Map<String, float[]> values(BertClassifier classifier) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (var entry : classifier.getParameters()) {
      Parameter parameter = entry.getValue();
      values.put(entry.getKey(), parameter.getArray().toFloatArray());
    }
    return values;
  }

  /** Parameters of {@code classifier} whose values differ from {@code before}. */
  private static long changed(Map<String, float[]> before, BertClassifier classifier) {
    long count = 0;
    for (var entry : classifier.getParameters()) {
      float[] now = entry.getValue().getArray().toFloatArray();
      if (!Arrays.equals(before.get(entry.getKey()), now)) {
        count++;
      }
    }
    return count;
  }

  @Test
  void aRoundFineTunesFromTheOnnxWeightsAndTheEvaluatorScoresTheStoredVersion(@TempDir Path dir) {
    PipelineSpec spec = PipelineSpecs.parse(SPEC, "test spec");
    ModelStore store = new ModelStore(dir);
    ExampleBuffer.Snapshot data = trainingSlice();
    HoldoutSet.Snapshot holdout = holdout();
    Path versionDir;
    int[] inMemory;
    try (TextTransformerRoundTrainer trainer =
        TextTransformerRoundTrainer.create("reviews-tiny", spec.trainer(), 2, Device.cpu())) {
      BertClassifier classifier = (BertClassifier) trainer.model().getBlock();
      Map<String, float[]> start = values(classifier);

      ModelTrainer.Result result = trainer.train(data, () -> false);

      assertThat(result.steps()).isEqualTo(3);
      assertThat(result.examples()).isEqualTo(24);
      assertThat(result.epochLosses()).hasSize(1);
      assertThat(result.trainLoss()).isFinite().isPositive();
      assertThat(result.device()).isEqualTo("cpu()");
      // full fine-tuning: the embeddings, all six layers and the head move
      assertThat(changed(start, classifier)).isEqualTo(start.size());
      assertThat(trainer.architecture()).isEqualTo(BertClassifier.ARCHITECTURE);
      assertThat(trainer.trainingDetails())
          .containsEntry("transformerStrategy", "full")
          .containsEntry("computeType", "float32");

      // stored as TrainerService.publish stores a version
      ModelMetadata metadata =
          new ModelMetadata(
              "reviews-tiny",
              1,
              trainer.architecture(),
              LABELS,
              List.of(),
              trainer.metadataFeatureCount(),
              List.of(),
              5L,
              "2026-01-01T00:00:00Z");
      versionDir =
          store.save(trainer.model(), metadata, PipelineSpecs.toYaml(spec), trainer.files());
      inMemory =
          BertFineTuner.predictClasses(trainer.model(), trainer.tokenizer(), holdout.texts(), 3);
    }

    ModelVersion version =
        ModelVersion.newBuilder()
            .setModelId("reviews-tiny")
            .setVersion(1)
            .setCreatedAt(Instant.EPOCH)
            .setStorePath(versionDir.toString())
            .setArchitecture(BertClassifier.ARCHITECTURE)
            .setLabels(LABELS)
            .setFeatureCount(0)
            .setExamplesTrainedOn(24)
            .setNewExamples(24)
            .setTotalExamplesConsumed(24)
            .setConsumedOffsets(List.of())
            .setTrainLoss(0.5)
            .setEpochs(1)
            .setDurationMs(1)
            .setDevice("cpu()")
            .build();
    try (StoreModelLoader loader = new StoreModelLoader(dir)) {
      try (var scoring = loader.load(version)) {
        assertThat(scoring.labels()).isEqualTo(LABELS);
        assertThat(scoring.featureCount()).isZero();
        assertThat(scoring.predict(holdout.inputs())).containsExactly(inMemory);
      }
      VersionEvaluator evaluator =
          new VersionEvaluator(loader, EvaluatorSpec.defaults(), Clock.systemUTC());
      VersionEvaluator.Result result = evaluator.evaluate(version, holdout);
      assertThat(result).isInstanceOf(VersionEvaluator.Evaluated.class);
      VersionEvaluator.Evaluated evaluated = (VersionEvaluator.Evaluated) result;
      double macroF1 = evaluated.metrics().macroF1();
      System.out.printf("minilm-finetune, 1 round of 3 steps: holdout macro F1 %.3f%n", macroF1);
      assertThat(evaluated.metrics().size()).isEqualTo(8);
      assertThat(evaluated.report().getMacroF1()).isEqualTo(macroF1);
      assertThat(macroF1)
          .as("the evaluator's score is that of the in-memory model's predictions")
          .isEqualTo(
              ClassificationMetrics.compute(holdout.labelIndexes(), inMemory, LABELS).macroF1());
    }

    // a restarted trainer continues from the stored parameters, not from the ONNX weights
    try (TextTransformerRoundTrainer resumed =
        TextTransformerRoundTrainer.resume(store, versionDir, spec.trainer(), 2, Device.cpu())) {
      try (BertClassifierStore.Loaded loaded =
          BertClassifierStore.load(store, versionDir, Device.cpu())) {
        assertThat(
                changed(values((BertClassifier) loaded.model().getBlock()), resumed.classifier()))
            .isZero();
      }
      assertThatThrownBy(() -> resumed.train(data, () -> true))
          .isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void badTransformerKeysFailWhenTheSpecIsReadNamingTheKey() {
    // typed settings: a wrong key or value stops the spec, not the trainer's start
    assertThatThrownBy(
            () -> PipelineSpecs.parse(SPEC.replace("epochs: 1", "epoch: 1"), "test spec"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("unknown key 'trainer.transformer.epoch'")
        .hasMessageContaining("epochs");
    assertThatThrownBy(
            () -> PipelineSpecs.parse(SPEC.replace("epochs: 1", "precision: half"), "test spec"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(
            "invalid value 'half' for key 'trainer.transformer.precision'; allowed values:"
                + " [auto, float32, bfloat16]");
    PipelineSpec bfloat16 =
        PipelineSpecs.parse(SPEC.replace("epochs: 1", "precision: bfloat16"), "test spec");
    assertThatThrownBy(() -> TextTransformerRoundTrainer.configOf(bfloat16.trainer()))
        .hasMessageContaining("precision bfloat16 is not supported");

    PipelineSpec defaults =
        PipelineSpecs.parse(
            SPEC.substring(0, SPEC.indexOf("  transformer:")).replace("seed: 5", "seed: 9"),
            "test spec");
    assertThat(TextTransformerRoundTrainer.configOf(defaults.trainer()).seed())
        .as("the seed defaults to trainer.seed")
        .isEqualTo(9);
    assertThat(TextTransformerRoundTrainer.configOf(defaults.trainer()).maxLength()).isEqualTo(128);
  }
}
