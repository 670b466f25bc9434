package io.streamtune.preprocess.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the augmented copies of one image: crop, flips, rotation, colour jitter and noise, each
 * with its probability, in that order. Copy k of a record is a function of (seed, record id, k)
 * only.
 */
public final class ImageAugmenter {

  private static final int CROP_ATTEMPTS = 10;

  private final ImageAugmentation config;

  public ImageAugmenter(ImageAugmentation config) {
    this.config = config;
  }

  /** The augmented copies (not including the original), as many as the label asks for. */
  public List<Image> copies(String recordId, String label, Image image) {
    int count = config.copiesFor(label);
    List<Image> copies = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      copies.add(augment(image, new Random(AugmentSeeds.seed(config.seed(), recordId, k))));
    }
    return copies;
  }

  Image augment(Image image, Random random) {
    Image out = image;
    if (random.nextDouble() < config.cropProbability()) {
      out = randomResizedCrop(out, random);
    }
    if (random.nextDouble() < config.flipHorizontalProbability()) {
      out = ImageOps.flipHorizontal(out);
    }
    if (random.nextDouble() < config.flipVerticalProbability()) {
      out = ImageOps.flipVertical(out);
    }
    if (random.nextDouble() < config.rotationProbability()) {
      double degrees = (random.nextDouble() * 2 - 1) * config.rotationMaxDegrees();
      out = ImageOps.rotate(out, degrees, 0);
    }
    if (random.nextDouble() < config.jitterProbability()) {
      out = ImageOps.adjustBrightness(out, factor(random, config.brightness()));
      out = ImageOps.adjustContrast(out, factor(random, config.contrast()));
      out = ImageOps.adjustSaturation(out, factor(random, config.saturation()));
      out = ImageOps.adjustHue(out, (random.nextDouble() * 2 - 1) * config.hue());
    }
    if (random.nextDouble() < config.noiseProbability()) {
      out = ImageOps.addGaussianNoise(out, config.noiseSigma(), random);
    }
    return out;
  }

  private static double factor(Random random, double strength) {
    return 1 + (random.nextDouble() * 2 - 1) * strength;
  }

  /** torchvision's RandomResizedCrop: a random area share and aspect ratio, back to full size. */
  private Image randomResizedCrop(Image image, Random random) {
    double area = image.width() * (double) image.height();
    double logMin = Math.log(config.cropMinRatio());
    double logMax = -logMin;
    for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
      double target =
          area * (config.cropMinScale() + random.nextDouble() * (1 - config.cropMinScale()));
      double ratio = Math.exp(logMin + random.nextDouble() * (logMax - logMin));
      int w = (int) Math.round(Math.sqrt(target * ratio));
      int h = (int) Math.round(Math.sqrt(target / ratio));
      if (w > 0 && h > 0 && w <= image.width() && h <= image.height()) {
        int x = random.nextInt(image.width() - w + 1);
        int y = random.nextInt(image.height() - h + 1);
        return ImageOps.resizedCrop(image, x, y, w, h, image.width(), image.height());
      }
    }
    return image;
  }
}
