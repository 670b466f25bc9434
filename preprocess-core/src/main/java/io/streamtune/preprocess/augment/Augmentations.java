package io.streamtune.preprocess.augment;

import io.streamtune.spec.AugmentSpec;

/** The spec's {@code augment} section as the configurations of the augmentation cores. */
public final class Augmentations {

  private Augmentations() {}

  public static ImageAugmentation image(AugmentSpec augment) {
    AugmentSpec.ImageOps ops = augment.image();
    return new ImageAugmentation(
        augment.copies(),
        augment.copiesPerClass(),
        ops.crop().probability(),
        ops.crop().minScale(),
        ops.crop().minRatio(),
        ops.flipHorizontal().probability(),
        ops.flipVertical().probability(),
        ops.rotation().probability(),
        ops.rotation().maxDegrees(),
        ops.colorJitter().probability(),
        ops.colorJitter().brightness(),
        ops.colorJitter().contrast(),
        ops.colorJitter().saturation(),
        ops.colorJitter().hue(),
        ops.noise().probability(),
        ops.noise().sigma(),
        augment.seed());
  }

  /** The EDA rates; per-class copy counts are applied by the caller ({@code copiesFor}). */
  public static EdaAugmentation text(AugmentSpec augment) {
    AugmentSpec.TextOps ops = augment.text();
    return new EdaAugmentation(
        ops.synonymReplacement(),
        ops.randomInsertion(),
        ops.randomSwap(),
        ops.randomDeletion(),
        augment.copies(),
        augment.seed());
  }
}
