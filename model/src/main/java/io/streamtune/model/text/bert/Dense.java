package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * {@code y = x Wᵀ + b} over the last axis of an input of any rank, with the weight in PyTorch's
 * {@code [out, in]} layout (so imported weights need no reshuffling beyond the ONNX transpose).
 */
final class Dense extends AbstractBlock {

  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;

  Dense(int in, int out) {
    this.in = in;
    this.out = out;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in))
                // BERT's initialisation; only fresh heads use it, imported weights overwrite it
                .optInitializer(new NormalInitializer(0.02f))
                .build());
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(out))
                .build());
  }

  Parameter weight() {
    return weight;
  }

  Parameter bias() {
    return bias;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray b = store.getValue(bias, x.getDevice(), training);
    return Linear.linear(x, w, b);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape input = inputShapes[0];
    return new Shape[] {input.slice(0, input.dimension() - 1).add(out)};
  }

  @Override
  public String toString() {
    return "Dense(" + in + " -> " + out + ")";
  }
}
