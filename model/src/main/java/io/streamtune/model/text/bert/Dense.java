package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
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
 * With a reduced compute type the product runs in it while the parameters stay float32 masters.
 */
final class Dense extends AbstractBlock {

  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;
  private DataType computeType = DataType.FLOAT32;

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

  void setComputeType(DataType computeType) {
    this.computeType = computeType;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray b = store.getValue(bias, x.getDevice(), training);
    if (computeType == DataType.FLOAT32) {
      return Linear.linear(x, w, b);
    }
    NDArray y =
        Linear.linear(
                x.toType(computeType, false),
                w.toType(computeType, false),
                b.toType(computeType, false))
            .head();
    return new NDList(y.toType(DataType.FLOAT32, false));
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
