package io.streamtune.model.image;

import java.util.Arrays;

/**
 * Grey images as floats in [0, 1], row-major 28x28 each, with integer labels.
 *
 * @param pixels one row of SIDE*SIDE values per image
 */
public record LabeledImages(float[][] pixels, int[] labels, int numClasses) {

  public LabeledImages {
    if (pixels.length != labels.length) {
      throw new IllegalArgumentException(
          pixels.length + " images but " + labels.length + " labels");
    }
  }

  /** From unsigned 8-bit pixels, scaled to [0, 1]. */
  public static LabeledImages fromBytes(byte[][] images, int[] labels, int numClasses) {
    float[][] pixels = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      pixels[i] = new float[images[i].length];
      for (int p = 0; p < images[i].length; p++) {
        pixels[i][p] = (images[i][p] & 0xff) / 255f;
      }
    }
    return new LabeledImages(pixels, labels, numClasses);
  }

  public int size() {
    return labels.length;
  }

  /** The rows [from, to). */
  public LabeledImages slice(int from, int to) {
    return new LabeledImages(
        Arrays.copyOfRange(pixels, from, to), Arrays.copyOfRange(labels, from, to), numClasses);
  }
}
