package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT-style encoder as a trainable DJL block: {@code embeddings} then {@code layer0 …
 * layer(L-1)}, each a separate child block so a layer can be frozen, unfrozen or given its own
 * learning rate. Inputs: token ids, attention mask (1 real, 0 padding) and token types, all int64
 * {@code [batch, tokens]}. Output: the last hidden states {@code [batch, tokens, hidden]}.
 */
public final class BertEncoder extends AbstractBlock {

  /** Added to attention scores of padding tokens: softmax gives them exactly 0 in float32. */
  static final float MASKED_SCORE = -10_000f;

  private final BertConfig config;
  private final BertEmbeddings embeddings;
  private final List<BertLayer> layers;

  public BertEncoder(BertConfig config, float dropout) {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    this.config = config;
    embeddings = addChildBlock("embeddings", new BertEmbeddings(config, dropout));
    List<BertLayer> list = new ArrayList<>(config.layers());
    for (int i = 0; i < config.layers(); i++) {
      list.add(addChildBlock("layer" + i, new BertLayer(config, dropout)));
    }
    layers = List.copyOf(list);
  }

  public BertConfig config() {
    return config;
  }

  BertEmbeddings embeddings() {
    return embeddings;
  }

  /** The embeddings block, e.g. to freeze it. */
  public AbstractBlock embeddingsBlock() {
    return embeddings;
  }

  /** Transformer layer {@code i} (0 = closest to the embeddings). */
  public AbstractBlock layerBlock(int i) {
    return layers.get(i);
  }

  List<BertLayer> layers() {
    return layers;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1);
    NDArray types = inputs.get(2);
    NDArray hidden = embeddings.forward(store, new NDList(ids, types), training).head();
    NDArray bias =
        mask.toType(DataType.FLOAT32, false)
            .neg()
            .add(1f)
            .mul(MASKED_SCORE)
            .expandDims(1)
            .expandDims(1);
    for (BertLayer layer : layers) {
      hidden = layer.forward(store, new NDList(hidden, bias), training).head();
    }
    return new NDList(hidden);
  }

  /** Mean of the hidden states over the tokens whose mask is 1: {@code [batch, hidden]}. */
  public static NDArray meanPool(NDArray hidden, NDArray mask) {
    NDArray weights = mask.toType(DataType.FLOAT32, false).expandDims(2);
    NDArray counts = weights.sum(new int[] {1}).maximum(1f);
    return hidden.mul(weights).sum(new int[] {1}).div(counts);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape tokens = inputShapes[0];
    embeddings.initialize(manager, dataType, tokens, tokens);
    Shape hidden = tokens.add(config.hidden());
    Shape bias = new Shape(tokens.get(0), 1, 1, tokens.get(1));
    for (BertLayer layer : layers) {
      layer.initialize(manager, dataType, hidden, bias);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(config.hidden())};
  }
}
