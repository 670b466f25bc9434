package io.streamtune.model.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * A small CNN for images of any size and 1 or 3 channels (first made for 28x28 grey). The backbone
 * (what pretraining transfers) is two conv/ReLU/max-pool stages; the head is a 128-unit dense layer
 * and the class logits. Only the convolutions transfer: their edge and stroke detectors are
 * generic, while a dense layer trained on one task's classes is specific to them (measured:
 * transferring it too made MNIST -> Fashion-MNIST fine-tuning no better than training from
 * scratch).
 */
public final class SmallCnn {

  public static final int SIDE = 28;
  public static final int HIDDEN = 128;
  public static final Shape INPUT_SHAPE = new Shape(1, 1, SIDE, SIDE);
  public static final String ARCHITECTURE = "small-cnn[conv32,conv64 | dense128]";

  /** Every stored SmallCnn classifier's architecture string starts with this. */
  public static final String ARCHITECTURE_PREFIX = "small-cnn";

  private SmallCnn() {}

  /**
   * A batch of grey images ({@code rows} x 28 x 28 pixels, row-major) as the network's [rows, 1,
   * 28, 28] input ({@link ImageInput#tensor}).
   */
  public static NDArray input(NDManager manager, float[] pixels, int rows) {
    return ImageInput.GREY_28.tensor(manager, pixels, rows);
  }

  /**
   * The architecture string of a SmallCnn classifier from {@code backbone} reading {@code input}.
   */
  public static String architecture(String backbone, ImageInput input) {
    String suffix = input.describe();
    return ARCHITECTURE + " from " + backbone + (suffix.isEmpty() ? "" : "; " + suffix);
  }

  public static SequentialBlock backbone() {
    return new SequentialBlock()
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(32)
                .build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(64)
                .build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock());
  }

  /** Backbone followed by a fresh dense head; child 0 of the result is the backbone. */
  public static SequentialBlock classifier(Block backbone, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    return new SequentialBlock()
        .add(backbone)
        .add(Linear.builder().setUnits(HIDDEN).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(numClasses).build());
  }
}
