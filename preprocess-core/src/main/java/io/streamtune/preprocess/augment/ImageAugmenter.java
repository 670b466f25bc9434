package io.streamtune.preprocess.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the augmented copies of one image: crop, flips, rotation, colour jitter and noise, each
 * with its probability, in that order. Copy k of a record is a function of (seed, record id, k)
 * only.
 *
 * <p>The geometric operations (crop, flips, rotation) are not applied one after another: their
 * inverse mappings compose into one affine map and each output pixel is sampled once from the
 * source ({@link Warp}). That is one bilinear interpolation instead of two (crop, then rotation),
 * so a copy is slightly sharper than chaining {@link ImageOps}, and one pass instead of up to four.
 * Grey colour jitter (brightness, then contrast) is one 256-entry table per copy; RGB jitter adds
 * saturation and hue in the same single pass ({@link ImageOps#jitterRgb}).
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
    Plan plan = plan(image, random);
    return render(image, plan, random);
  }

  /**
   * What one copy does, drawn from {@code random} in a fixed order (the draws after it, for the
   * noise, come from the same generator).
   *
   * @param crop the crop rectangle {x, y, w, h}, or null
   * @param degrees rotation angle, or NaN for none
   * @param jitter whether colour jitter applies; then the four factors are set
   */
  record Plan(
      int[] crop,
      boolean flipHorizontal,
      boolean flipVertical,
      double degrees,
      boolean jitter,
      double brightness,
      double contrast,
      double saturation,
      double hue,
      boolean noise) {}

  Plan plan(Image image, Random random) {
    int[] crop = null;
    if (random.nextDouble() < config.cropProbability()) {
      crop = randomResizedCrop(image, random);
    }
    boolean flipHorizontal = random.nextDouble() < config.flipHorizontalProbability();
    boolean flipVertical = random.nextDouble() < config.flipVerticalProbability();
    double degrees = Double.NaN;
    if (random.nextDouble() < config.rotationProbability()) {
      degrees = (random.nextDouble() * 2 - 1) * config.rotationMaxDegrees();
    }
    boolean jitter = random.nextDouble() < config.jitterProbability();
    double brightness = 1;
    double contrast = 1;
    double saturation = 1;
    double hue = 0;
    if (jitter) {
      brightness = factor(random, config.brightness());
      contrast = factor(random, config.contrast());
      saturation = factor(random, config.saturation());
      hue = (random.nextDouble() * 2 - 1) * config.hue();
    }
    boolean noise = random.nextDouble() < config.noiseProbability();
    return new Plan(
        crop,
        flipHorizontal,
        flipVertical,
        degrees,
        jitter,
        brightness,
        contrast,
        saturation,
        hue,
        noise);
  }

  Image render(Image image, Plan plan, Random random) {
    int w = image.width();
    int h = image.height();
    // inverse mappings, output towards source: rotation, then the flips, then the crop
    Affine toSource = Affine.IDENTITY;
    Affine toBox = null;
    boolean geometric = false;
    if (!Double.isNaN(plan.degrees())) {
      toBox = Affine.rotationInverse(plan.degrees(), w, h);
      toSource = toBox;
      geometric = true;
    }
    if (plan.flipVertical()) {
      toSource = Affine.flipVertical(h).after(toSource);
      geometric = true;
    }
    if (plan.flipHorizontal()) {
      toSource = Affine.flipHorizontal(w).after(toSource);
      geometric = true;
    }
    if (plan.crop() != null) {
      int[] c = plan.crop();
      toSource = Affine.cropInverse(c[0], c[1], c[2], c[3], w, h).after(toSource);
      geometric = true;
    }
    Image out = image;
    if (geometric) {
      out = new Image(w, h, image.channels(), Warp.apply(image, toSource, toBox, w, h, 0, w, h));
    }
    if (plan.jitter()) {
      out = jitter(out, plan, geometric);
    }
    if (plan.noise()) {
      out = ImageOps.addGaussianNoise(out, config.noiseSigma(), random);
    }
    return out;
  }

  private static Image jitter(Image image, Plan plan, boolean owned) {
    if (image.channels() != 1) {
      // the warped pixels are this copy's own array; the original's are not touched
      byte[] out = owned ? image.pixels() : new byte[image.pixels().length];
      ImageOps.jitterRgb(
          image.pixels(), plan.brightness(), plan.contrast(), plan.saturation(), plan.hue(), out);
      return new Image(image.width(), image.height(), 3, out);
    }
    // grey: saturation and hue change nothing; brightness then contrast (towards the mean of the
    // brightened image) is one composed table, the same values as the two steps
    byte[] brightness = ImageOps.brightnessTable(plan.brightness());
    byte[] pixels = image.pixels();
    long sum = 0;
    for (byte value : pixels) {
      sum += brightness[value & 0xff] & 0xff;
    }
    double mean = sum / (double) pixels.length;
    byte[] contrast = ImageOps.contrastTable(mean, plan.contrast());
    byte[] table = new byte[256];
    for (int v = 0; v < 256; v++) {
      table[v] = contrast[brightness[v] & 0xff];
    }
    // the warped pixels are this copy's own array; the original's are not touched
    byte[] out = owned ? pixels : new byte[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = table[pixels[i] & 0xff];
    }
    return new Image(image.width(), image.height(), 1, out);
  }

  private static double factor(Random random, double strength) {
    return 1 + (random.nextDouble() * 2 - 1) * strength;
  }

  /** torchvision's RandomResizedCrop: a random area share and aspect ratio, back to full size. */
  private int[] randomResizedCrop(Image image, Random random) {
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
        return new int[] {x, y, w, h};
      }
    }
    return null;
  }
}
