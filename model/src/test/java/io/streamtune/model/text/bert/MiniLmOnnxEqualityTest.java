package io.streamtune.model.text.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamtune.model.text.MiniLmEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DJL rebuild of all-MiniLM-L6-v2, with weights imported from the ONNX file, gives the same
 * mean-pooled embeddings as ONNX Runtime on the original graph.
 */
class MiniLmOnnxEqualityTest {

  private static final String[] WORDS = {
    "the",
    "a",
    "review",
    "coffee",
    "tastes",
    "great",
    "but",
    "the",
    "price",
    "is",
    "too",
    "high",
    "delivery",
    "arrived",
    "late",
    "and",
    "box",
    "was",
    "damaged",
    "I",
    "would",
    "not",
    "buy",
    "again",
    "excellent",
    "flavour",
    "my",
    "kids",
    "love",
    "these",
    "snacks",
    "!",
    "?",
    ",",
    ".",
    "streamtune",
    "Kafka",
    "€42.50",
    "naïve",
    "café",
    "日本語",
    "🙂",
    "don't",
    "won't",
    "3.5oz",
    "http://example.com/item?id=7",
    "GLUTEN-FREE",
    "unbelievably",
    "disappointing",
    "refund",
    "customer",
    "service",
    "helpful",
    "packaging",
    "stale",
    "crunchy",
    "sweetener",
    "aftertaste"
  };

  /** 100 texts from empty to past the 256-token limit, in a seeded random order. */
  static List<String> variedTexts() {
    Random random = new Random(7);
    List<String> texts = new ArrayList<>();
    texts.add("");
    texts.add("x");
    texts.add("Great!");
    texts.add("word ".repeat(400));
    while (texts.size() < 100) {
      int words = 1 + (int) (Math.pow(random.nextDouble(), 1.6) * 230);
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < words; w++) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
      }
      texts.add(text.toString().trim());
    }
    java.util.Collections.shuffle(texts, random);
    return texts;
  }

  @Test
  void meanPooledEmbeddingsEqualOnnxRuntimeOn100VariedTextsInPaddedBatches() {
    List<String> texts = variedTexts();
    float[][] expected;
    try (MiniLmEncoder onnx =
        new MiniLmEncoder(new MiniLmEncoder.Options(256, 256 * 16, 32, 1, false))) {
      expected = onnx.encode(texts);
    }

    int batchSize = 10;
    float maxDifference = 0;
    List<Integer> tokenCounts = new ArrayList<>();
    int paddedRows = 0;
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        MiniLmTokenizer tokenizer = new MiniLmTokenizer(256, 256 * 16)) {
      BertEncoder encoder = new BertEncoder(BertConfig.miniLmL6(), 0.1f);
      encoder.initialize(
          manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
      OnnxBertImport.load(encoder, OnnxBertImport.readMiniLm());
      for (int start = 0; start < texts.size(); start += batchSize) {
        List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
        MiniLmTokenizer.TokenBatch tokens = tokenizer.encode(batch);
        float[] pooled;
        try (NDManager step = manager.newSubManager()) {
          NDList inputs = tokens.toNDList(step, Device.cpu());
          NDArray hidden = encoder.forward(new ParameterStore(step, false), inputs, false).head();
          pooled = BertEncoder.meanPool(hidden, inputs.get(1)).toFloatArray();
        }
        for (int r = 0; r < batch.size(); r++) {
          tokenCounts.add(tokens.tokens(r));
          if (tokens.tokens(r) < tokens.length()) {
            paddedRows++;
          }
          float[] want = expected[start + r];
          for (int d = 0; d < MiniLmEncoder.DIMENSIONS; d++) {
            maxDifference =
                Math.max(
                    maxDifference, Math.abs(pooled[r * MiniLmEncoder.DIMENSIONS + d] - want[d]));
          }
        }
      }
    }

    assertThat(tokenCounts).hasSize(100);
    assertThat(tokenCounts.stream().mapToInt(Integer::intValue).min().getAsInt()).isEqualTo(2);
    assertThat(tokenCounts.stream().mapToInt(Integer::intValue).max().getAsInt()).isEqualTo(256);
    assertThat(tokenCounts.stream().filter(n -> n > 128).count()).isGreaterThanOrEqualTo(10);
    assertThat(paddedRows).isGreaterThanOrEqualTo(50);
    System.out.printf("DJL vs ONNX Runtime: max |difference| %.3g%n", maxDifference);
    assertThat(maxDifference).isLessThan(1e-4f);
  }
}
