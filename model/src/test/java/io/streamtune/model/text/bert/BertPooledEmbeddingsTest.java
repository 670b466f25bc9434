package io.streamtune.model.text.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.model.text.MiniLmEncoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fine-tuned transformer's embedding for the dashboard's map: the pooled encoder output its
 * head classifies. Before any fine-tuning it is all-MiniLM-L6-v2's sentence embedding (ONNX
 * Runtime's), and the head applied to it gives the classifier's probabilities.
 */
class BertPooledEmbeddingsTest {

  private static final List<String> TEXTS =
      List.of(
          "great taste, my kids love these",
          "stale and overpriced",
          "ok",
          "the box arrived crushed but the cookies were fine and tasted as good as ever",
          "would buy again");

  @Test
  void pooledEmbeddingsAreMiniLmsAndTheHeadTurnsThemIntoTheProbabilities() {
    float[][] pooled;
    float[][] probabilities;
    float[] weight;
    float[] bias;
    try (Model model = Model.newInstance("reviews", Device.cpu());
        MiniLmTokenizer tokenizer = new MiniLmTokenizer(64, 64 * 16)) {
      BertClassifier classifier = BertClassifier.pretrainedMiniLm(model, 2, 0f);
      // batches of 2: padded rows must not change a text's embedding
      pooled = BertFineTuner.pooledEmbeddings(model, tokenizer, TEXTS, 2);
      probabilities = BertFineTuner.predictProbabilities(model, tokenizer, TEXTS, 2);
      weight = classifier.head().getParameters().get("weight").getArray().toFloatArray();
      bias = classifier.head().getParameters().get("bias").getArray().toFloatArray();
    }
    float[][] onnx;
    try (MiniLmEncoder encoder =
        new MiniLmEncoder(new MiniLmEncoder.Options(64, 64 * 16, 8, 1, false))) {
      onnx = encoder.encode(TEXTS);
    }
    for (int t = 0; t < TEXTS.size(); t++) {
      assertThat(pooled[t]).hasSize(384);
      for (int j = 0; j < 384; j++) {
        assertThat((double) pooled[t][j])
            .as("text %d, dimension %d", t, j)
            .isCloseTo(onnx[t][j], within(1e-3));
      }
      double[] logits = new double[2];
      double sum = 0;
      for (int k = 0; k < 2; k++) {
        logits[k] = bias[k];
        for (int j = 0; j < 384; j++) {
          logits[k] += (double) weight[k * 384 + j] * pooled[t][j];
        }
        sum += Math.exp(logits[k]);
      }
      for (int k = 0; k < 2; k++) {
        assertThat((double) probabilities[t][k]).isCloseTo(Math.exp(logits[k]) / sum, within(1e-5));
      }
    }
  }
}
