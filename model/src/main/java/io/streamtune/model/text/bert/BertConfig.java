package io.streamtune.model.text.bert;

/**
 * Shape of a BERT-style encoder. {@link #miniLmL6()} is all-MiniLM-L6-v2: the ONNX import checks
 * every weight against these sizes, so a config that disagrees with the file fails at import.
 *
 * @param vocabularySize rows of the word embedding table
 * @param hidden width of every token vector
 * @param layers transformer layers
 * @param heads attention heads per layer ({@code hidden} must divide by it)
 * @param intermediate width of each layer's feed-forward block
 * @param maxPositions learned position embeddings (longest input)
 * @param typeVocabularySize token-type (segment) embeddings
 * @param layerNormEpsilon added to the variance in every LayerNorm
 */
public record BertConfig(
    int vocabularySize,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    int maxPositions,
    int typeVocabularySize,
    float layerNormEpsilon) {

  public BertConfig {
    positive("vocabularySize", vocabularySize);
    positive("hidden", hidden);
    positive("layers", layers);
    positive("heads", heads);
    positive("intermediate", intermediate);
    positive("maxPositions", maxPositions);
    positive("typeVocabularySize", typeVocabularySize);
    if (hidden % heads != 0) {
      throw new IllegalArgumentException(
          "hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
    }
    if (!(layerNormEpsilon > 0)) {
      throw new IllegalArgumentException("layerNormEpsilon must be > 0, got " + layerNormEpsilon);
    }
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + value);
    }
  }

  /** all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, intermediate 1536, 512 positions. */
  public static BertConfig miniLmL6() {
    return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
  }

  public int headSize() {
    return hidden / heads;
  }
}
