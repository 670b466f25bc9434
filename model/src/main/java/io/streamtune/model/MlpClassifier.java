package io.streamtune.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.stream.Collectors;

/** A multi-layer perceptron for tabular features: Linear→ReLU per hidden layer, then logits. */
public final class MlpClassifier {

  private MlpClassifier() {}

  /**
   * Builds the (uninitialised) block. It outputs unnormalised logits of shape [batch, numClasses].
   *
   * @param featureCount input width; not needed by DJL to build the block, checked here so a
   *     mistake fails at construction rather than at the first forward pass
   */
  public static Block block(int featureCount, List<Integer> hiddenUnits, int numClasses) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("featureCount must be >= 1, got " + featureCount);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    SequentialBlock block = new SequentialBlock();
    for (Integer units : hiddenUnits) {
      if (units == null || units < 1) {
        throw new IllegalArgumentException("hidden units must be >= 1, got " + hiddenUnits);
      }
      block.add(Linear.builder().setUnits(units).build());
      block.add(Activation.reluBlock());
    }
    block.add(Linear.builder().setUnits(numClasses).build());
    return block;
  }

  /** The block described by stored metadata. */
  public static Block block(ModelMetadata metadata) {
    return block(metadata.featureCount(), metadata.hiddenUnits(), metadata.numClasses());
  }

  /** The architecture string stored with a version, e.g. {@code mlp[32,16]}. */
  public static String architecture(List<Integer> hiddenUnits) {
    return hiddenUnits.stream().map(String::valueOf).collect(Collectors.joining(",", "mlp[", "]"));
  }
}
