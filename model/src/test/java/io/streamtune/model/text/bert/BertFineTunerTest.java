package io.streamtune.model.text.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.spec.TransformerSpec.Precision;
import io.streamtune.spec.TransformerSpec.Strategy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertFineTunerTest {

  static final List<String> TEXTS = new ArrayList<>();
  static int[] labels;

  @BeforeAll
  static void readSlice() throws Exception {
    List<Integer> y = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                BertFineTunerTest.class.getResourceAsStream("/reviews-32.tsv"),
                StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        y.add(line.substring(0, tab).equals("great") ? 0 : 1);
        TEXTS.add(line.substring(tab + 1));
      }
    }
    labels = y.stream().mapToInt(Integer::intValue).toArray();
    assertThat(TEXTS).hasSize(32);
  }

  static TransformerFineTuneConfig config(Strategy strategy, int k, int unfreezeEvery, int epochs) {
    return config(strategy, k, unfreezeEvery, epochs, Precision.AUTO);
  }

  private static TransformerFineTuneConfig config(
      Strategy strategy, int k, int unfreezeEvery, int epochs, Precision precision) {
    return new TransformerFineTuneConfig(
        TransformerFineTuneConfig.MINILM,
        strategy,
        k,
        1e-4,
        3e-3,
        0.8,
        unfreezeEvery,
        0.1,
        0.01,
        1.0,
        epochs,
        8,
        32,
        0.1f,
        precision,
        11);
  }

  private static Map<String, float[]> snapshot(AbstractBlock block) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (var entry : block.getParameters()) {
      values.put(entry.getKey(), entry.getValue().getArray().toFloatArray());
    }
    return values;
  }

  private static boolean unchanged(Map<String, float[]> before, AbstractBlock block) {
    Map<String, float[]> after = snapshot(block);
    for (var entry : before.entrySet()) {
      if (!java.util.Arrays.equals(entry.getValue(), after.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void lastTwoLayersFineTuneLowersLossAndLeavesFrozenLayersBitIdentical(@TempDir Path dir) {
    BertFineTuner tuner = new BertFineTuner(config(Strategy.LAST_K, 2, 4, 5));
    try (Model model = tuner.newModel("reviews", 2, Device.cpu());
        MiniLmTokenizer tokenizer = new MiniLmTokenizer(32, 32 * 16)) {
      BertClassifier classifier = (BertClassifier) model.getBlock();
      BertEncoder encoder = classifier.encoder();
      Map<String, float[]> embeddings = snapshot(encoder.embeddingsBlock());
      List<Map<String, float[]>> layers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        layers.add(snapshot(encoder.layerBlock(i)));
      }
      Map<String, float[]> head = snapshot(classifier.head());

      BertFineTuner.Result result = tuner.fit(model, tokenizer, TEXTS, labels);

      assertThat(result.steps()).isEqualTo(20);
      assertThat(result.computeType()).isEqualTo(DataType.FLOAT32);
      System.out.printf(
          "last_k=2: loss first 4 steps %.4f, last 4 %.4f, %.2f steps/s%n",
          result.meanLoss(true, 4), result.meanLoss(false, 4), result.stepsPerSecond());
      assertThat(result.meanLoss(false, 4)).isLessThan(0.8 * result.meanLoss(true, 4));
      assertThat(unchanged(embeddings, encoder.embeddingsBlock())).isTrue();
      for (int i = 0; i < 4; i++) {
        assertThat(unchanged(layers.get(i), encoder.layerBlock(i))).as("layer %d", i).isTrue();
      }
      assertThat(unchanged(layers.get(4), encoder.layerBlock(4))).isFalse();
      assertThat(unchanged(layers.get(5), encoder.layerBlock(5))).isFalse();
      assertThat(unchanged(head, classifier.head())).isFalse();
      // every parameter is trainable again for whoever uses the model next
      for (var entry : classifier.getParameters()) {
        assertThat(entry.getValue().requiresGradient()).isTrue();
      }

      // stored and served like any other version: same probabilities after a round trip
      float[][] before = BertFineTuner.predictProbabilities(model, tokenizer, TEXTS, 16);
      ModelStore store = new ModelStore(dir);
      ModelMetadata metadata =
          BertClassifierStore.metadata(
              "reviews", 1, List.of("great", "other"), 11, "2025-01-01T00:00:00Z");
      Path version = BertClassifierStore.save(store, model, metadata, "name: reviews\n", 32);
      try (BertClassifierStore.Loaded loaded =
          BertClassifierStore.load(store, version, Device.cpu())) {
        float[][] after = loaded.predictProbabilities(TEXTS);
        for (int r = 0; r < TEXTS.size(); r++) {
          assertThat(after[r]).containsExactly(before[r]);
        }
        assertThat(loaded.metadata().labels()).containsExactly("great", "other");
      }
      int correct = 0;
      for (int r = 0; r < TEXTS.size(); r++) {
        correct += (before[r][1] > before[r][0] ? 1 : 0) == labels[r] ? 1 : 0;
      }
      assertThat(correct).isGreaterThanOrEqualTo(26);
    }
  }

  @Test
  void everyPrecisionDjlCanTrainIsFloat32AndBfloat16IsRefusedWithTheReason() {
    assertThat(BertFineTuner.computeType(Precision.AUTO)).isEqualTo(DataType.FLOAT32);
    assertThat(BertFineTuner.computeType(Precision.FLOAT32)).isEqualTo(DataType.FLOAT32);
    assertThatThrownBy(() -> config(Strategy.FROZEN, 1, 0, 1, Precision.BFLOAT16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aborts the JVM on bfloat16 tensors")
        .hasMessageContaining("allowed values: [auto, float32]");
  }

  @Test
  void frozenStrategyTrainsOnlyTheHeadAndIsReproducible() {
    BertFineTuner tuner = new BertFineTuner(config(Strategy.FROZEN, 1, 0, 2));
    List<Float> first;
    float[] headAfterFirst;
    try (Model model = tuner.newModel("a", 2, Device.cpu());
        MiniLmTokenizer tokenizer = new MiniLmTokenizer(32, 512)) {
      BertClassifier classifier = (BertClassifier) model.getBlock();
      Map<String, float[]> encoder = snapshot(classifier.encoder());
      first = tuner.fit(model, tokenizer, TEXTS, labels).stepLosses();
      assertThat(unchanged(encoder, classifier.encoder())).isTrue();
      headAfterFirst = classifier.head().getParameters().valueAt(0).getArray().toFloatArray();
    }
    try (Model model = tuner.newModel("b", 2, Device.cpu());
        MiniLmTokenizer tokenizer = new MiniLmTokenizer(32, 512)) {
      List<Float> second = tuner.fit(model, tokenizer, TEXTS, labels).stepLosses();
      Parameter weight = ((BertClassifier) model.getBlock()).head().getParameters().valueAt(0);
      assertThat(second).containsExactlyElementsOf(first);
      assertThat(weight.getArray().toFloatArray()).containsExactly(headAfterFirst);
    }
  }

  @Test
  void scheduleWarmsUpThenDecaysLinearlyToZero() {
    BertFineTuner tuner = new BertFineTuner(config(Strategy.FULL, 1, 0, 1));
    // 10% of 20 steps = 2 warm-up steps
    assertThat(tuner.schedule(0, 20)).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(tuner.schedule(1, 20)).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(tuner.schedule(2, 20)).isEqualTo(1.0);
    assertThat(tuner.schedule(11, 20)).isEqualTo(0.5);
    assertThat(tuner.schedule(19, 20))
        .isCloseTo(1 / 18.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  /**
   * One batch with a non-finite value (here a NaN word-embedding row that only one text uses) is
   * skipped without moving any parameter, and the run goes on with clean gradients; a run whose
   * every step is non-finite stops after {@value BertFineTuner#MAX_CONSECUTIVE_SKIPS} steps.
   */
  @Test
  void aNonFiniteBatchIsSkippedAndLeavesNoNanBehind() {
    List<String> texts = new ArrayList<>(TEXTS);
    texts.set(5, "xylophone xylophone");
    // the top layer and the head train: the NaN reaches their gradients from the embeddings up
    BertFineTuner tuner = new BertFineTuner(config(Strategy.LAST_K, 1, 0, 1));
    try (Model model = tuner.newModel("nan", 2, Device.cpu());
        MiniLmTokenizer tokenizer = new MiniLmTokenizer(32, 512)) {
      BertClassifier classifier = (BertClassifier) model.getBlock();
      MiniLmTokenizer.TokenBatch poison = tokenizer.encode(List.of("xylophone"));
      List<Long> poisonIds = new ArrayList<>();
      for (int t = 1; t < poison.tokens(0) - 1; t++) {
        poisonIds.add(poison.ids()[t]);
      }
      List<String> clean = new ArrayList<>(texts);
      clean.remove(5);
      MiniLmTokenizer.TokenBatch others = tokenizer.encode(clean);
      for (long id : others.ids()) {
        assertThat(poisonIds)
            .as("the poisoned word pieces occur in no other text")
            .doesNotContain(id);
      }
      ai.djl.ndarray.NDArray words = classifier.encoder().embeddings().words().getArray();
      for (long id : poisonIds) {
        words.set(new ai.djl.ndarray.index.NDIndex(id), Float.NaN);
      }

      BertFineTuner.Result result = tuner.fit(model, tokenizer, texts, labels);

      assertThat(result.steps()).isEqualTo(4);
      assertThat(result.skippedSteps()).isEqualTo(1);
      assertThat(result.stepLosses().stream().filter(l -> !Float.isFinite(l))).hasSize(1);
      for (var entry : classifier.getParameters()) {
        if (entry.getValue() == classifier.encoder().embeddings().words()) {
          continue;
        }
        for (float v : entry.getValue().getArray().toFloatArray()) {
          assertThat(Float.isFinite(v)).as(entry.getKey()).isTrue();
        }
      }
      for (float[] p : BertFineTuner.predictProbabilities(model, tokenizer, clean, 16)) {
        assertThat(Float.isFinite(p[0]) && Float.isFinite(p[1])).isTrue();
      }

      long[] ids = new long[] {101, poisonIds.get(0), 102, 101, poisonIds.get(0), 102};
      assertThatThrownBy(() -> tuner.fitIds(model, ids, 2, 3, new int[] {0, 1}, 5))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("non-finite loss or gradient norm in 3 consecutive steps");
    }
  }

  @Test
  void configFromSpecMapValidatesKeysAndValues() {
    TransformerFineTuneConfig c =
        TransformerFineTuneConfig.fromMap(
            Map.of("strategy", "last_k", "unfreezeLastLayers", 3, "learningRate", "3e-5"));
    assertThat(c.strategy()).isEqualTo(Strategy.LAST_K);
    assertThat(c.unfreezeLastLayers()).isEqualTo(3);
    assertThat(c.learningRate()).isEqualTo(3e-5);
    assertThat(c.maxGradNorm()).isEqualTo(1.0);
    assertThatThrownBy(() -> TransformerFineTuneConfig.fromMap(Map.of("strategy", "half")))
        .hasMessageContaining(
            "invalid value 'half' for key 'trainer.transformer.strategy'; allowed values:"
                + " [frozen, last_k, full]");
    assertThatThrownBy(() -> TransformerFineTuneConfig.fromMap(Map.of("lr", 1)))
        .hasMessageContaining("unknown key 'trainer.transformer.lr'")
        .hasMessageContaining("learningRate");
    assertThatThrownBy(() -> TransformerFineTuneConfig.fromMap(Map.of("unfreezeLastLayers", 7)))
        .hasMessageContaining(
            "key 'trainer.transformer.unfreezeLastLayers' must be in 1..6, got 7");
    assertThatThrownBy(() -> TransformerFineTuneConfig.fromMap(Map.of("backbone", "bert-base")))
        .hasMessageContaining("trainer.transformer.backbone")
        .hasMessageContaining("[all-MiniLM-L6-v2]");
  }
}
