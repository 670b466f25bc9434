package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** LayerNorm over the last axis with BERT's epsilon (1e-12 for MiniLM, not DJL's 1e-5 default). */
final class Norm extends AbstractBlock {

  private final int width;
  private final float epsilon;
  private final Parameter gamma;
  private final Parameter beta;

  Norm(int width, float epsilon) {
    this.width = width;
    this.epsilon = epsilon;
    gamma =
        addParameter(
            Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(width))
                .build());
    beta =
        addParameter(
            Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(width))
                .build());
  }

  Parameter gamma() {
    return gamma;
  }

  Parameter beta() {
    return beta;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    var x = inputs.head();
    return LayerNorm.layerNorm(
        x,
        new Shape(width),
        store.getValue(gamma, x.getDevice(), training),
        store.getValue(beta, x.getDevice(), training),
        epsilon);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
