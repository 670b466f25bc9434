package io.streamtune.preprocess.augment;

import java.util.Map;

/**
 * What the image augmenter does; every operation has its own probability.
 *
 * @param copies augmented copies per record (the original is always kept besides them)
 * @param copiesPerClass overrides {@code copies} for the classes it names (e.g. more for a rare
 *     class)
 * @param cropProbability probability of a random resized crop back to the original size
 * @param cropMinScale smallest share of the area a crop keeps (torchvision's scale=(min, 1))
 * @param cropMinRatio smallest aspect ratio of a crop; the largest is its inverse
 * @param rotationMaxDegrees rotation angle drawn uniformly from [-max, +max]
 * @param brightness factor drawn from [1 - b, 1 + b] (0 = off), likewise contrast and saturation
 * @param hue hue shift drawn from [-h, +h] turns, h in [0, 0.5]
 * @param noiseSigma standard deviation of added Gaussian noise in 0-255 units
 */
public record ImageAugmentation(
    int copies,
    Map<String, Integer> copiesPerClass,
    double cropProbability,
    double cropMinScale,
    double cropMinRatio,
    double flipHorizontalProbability,
    double flipVerticalProbability,
    double rotationProbability,
    double rotationMaxDegrees,
    double jitterProbability,
    double brightness,
    double contrast,
    double saturation,
    double hue,
    double noiseProbability,
    double noiseSigma,
    long seed) {

  public ImageAugmentation {
    copiesPerClass = Map.copyOf(copiesPerClass);
    requireProbability("cropProbability", cropProbability);
    requireProbability("flipHorizontalProbability", flipHorizontalProbability);
    requireProbability("flipVerticalProbability", flipVerticalProbability);
    requireProbability("rotationProbability", rotationProbability);
    requireProbability("jitterProbability", jitterProbability);
    requireProbability("noiseProbability", noiseProbability);
    if (copies < 0) {
      throw new IllegalArgumentException("copies must be >= 0, got " + copies);
    }
    if (!(cropMinScale > 0 && cropMinScale <= 1)) {
      throw new IllegalArgumentException("cropMinScale must be in (0, 1], got " + cropMinScale);
    }
    if (!(cropMinRatio > 0 && cropMinRatio <= 1)) {
      throw new IllegalArgumentException("cropMinRatio must be in (0, 1], got " + cropMinRatio);
    }
    if (hue < 0 || hue > 0.5) {
      throw new IllegalArgumentException("hue must be in [0, 0.5], got " + hue);
    }
  }

  /** Nothing enabled, one copy: a base to switch operations on from. */
  public static ImageAugmentation none() {
    return new ImageAugmentation(1, Map.of(), 0, 0.08, 0.75, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  public int copiesFor(String label) {
    return copiesPerClass.getOrDefault(label, copies);
  }

  private static void requireProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
    }
  }
}
