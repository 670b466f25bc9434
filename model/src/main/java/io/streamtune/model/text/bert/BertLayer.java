package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One post-LayerNorm transformer layer as in BERT: multi-head self-attention, residual + LayerNorm,
 * feed-forward with exact (erf) GELU, residual + LayerNorm. Inputs: hidden states {@code [batch,
 * tokens, hidden]} and the additive attention bias {@code [batch, 1, 1, tokens]} (0 for real
 * tokens, a large negative number for padding).
 */
final class BertLayer extends AbstractBlock {

  private final BertConfig config;
  private final float dropout;
  private final Dense query;
  private final Dense key;
  private final Dense value;
  private final Dense attentionOutput;
  private final Norm attentionNorm;
  private final Dense intermediate;
  private final Dense output;
  private final Norm outputNorm;

  BertLayer(BertConfig config, float dropout) {
    this.config = config;
    this.dropout = dropout;
    int h = config.hidden();
    query = addChildBlock("query", new Dense(h, h));
    key = addChildBlock("key", new Dense(h, h));
    value = addChildBlock("value", new Dense(h, h));
    attentionOutput = addChildBlock("attention_output", new Dense(h, h));
    attentionNorm = addChildBlock("attention_norm", new Norm(h, config.layerNormEpsilon()));
    intermediate = addChildBlock("intermediate", new Dense(h, config.intermediate()));
    output = addChildBlock("output", new Dense(config.intermediate(), h));
    outputNorm = addChildBlock("output_norm", new Norm(h, config.layerNormEpsilon()));
  }

  Dense query() {
    return query;
  }

  Dense key() {
    return key;
  }

  Dense value() {
    return value;
  }

  Dense attentionOutput() {
    return attentionOutput;
  }

  Norm attentionNorm() {
    return attentionNorm;
  }

  Dense intermediate() {
    return intermediate;
  }

  Dense output() {
    return output;
  }

  Norm outputNorm() {
    return outputNorm;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray attentionBias = inputs.get(1);
    long batch = x.getShape().get(0);
    long tokens = x.getShape().get(1);
    int heads = config.heads();
    int headSize = config.headSize();

    NDArray q = heads(forward(query, store, x, training), batch, tokens);
    NDArray k = heads(forward(key, store, x, training), batch, tokens);
    NDArray v = heads(forward(value, store, x, training), batch, tokens);
    // [b, h, t, d] x [b, h, d, t] -> [b, h, t, t]; divided after the product, as the export does
    NDArray scores =
        q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(headSize)).add(attentionBias);
    NDArray probabilities = dropout(scores.softmax(-1), training);
    NDArray context =
        probabilities
            .matMul(v)
            .transpose(0, 2, 1, 3)
            .reshape(new Shape(batch, tokens, (long) heads * headSize));
    NDArray attended =
        forward(
            attentionNorm,
            store,
            dropout(forward(attentionOutput, store, context, training), training).add(x),
            training);
    NDArray inner = forward(intermediate, store, attended, training);
    // exact GELU: x * (1 + erf(x / sqrt 2)) / 2, what the ONNX graph computes
    NDArray gelu = inner.mul(inner.div((float) Math.sqrt(2)).erf().add(1f)).mul(0.5f);
    NDArray out =
        forward(
            outputNorm,
            store,
            dropout(forward(output, store, gelu, training), training).add(attended),
            training);
    return new NDList(out);
  }

  private NDArray heads(NDArray projected, long batch, long tokens) {
    return projected
        .reshape(new Shape(batch, tokens, config.heads(), config.headSize()))
        .transpose(0, 2, 1, 3);
  }

  private NDArray dropout(NDArray x, boolean training) {
    return training && dropout > 0 ? Dropout.dropout(x, dropout, true).head() : x;
  }

  private static NDArray forward(
      ai.djl.nn.Block block, ParameterStore store, NDArray x, boolean training) {
    return block.forward(store, new NDList(x), training).head();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape hidden = inputShapes[0];
    Shape inner = hidden.slice(0, hidden.dimension() - 1).add(config.intermediate());
    query.initialize(manager, dataType, hidden);
    key.initialize(manager, dataType, hidden);
    value.initialize(manager, dataType, hidden);
    attentionOutput.initialize(manager, dataType, hidden);
    attentionNorm.initialize(manager, dataType, hidden);
    intermediate.initialize(manager, dataType, hidden);
    output.initialize(manager, dataType, inner);
    outputNorm.initialize(manager, dataType, hidden);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
