package io.streamtune.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code augment} section (modality image or text): how many augmented copies each training
 * record gets and what each copy may undergo. Only the train split is augmented, after the split;
 * the original is always kept and the holdout never touched. Copy k of a record depends only on
 * (seed, record id, k), so a replay after a failure produces the same copies.
 *
 * @param copies augmented copies per training record; 0 turns augmentation off
 * @param copiesPerClass overrides {@code copies} for the classes it names (e.g. more copies of a
 *     rare class); every key must be a class of {@code label.classes}
 * @param seed mixed with the record id and copy number into each copy's random stream
 * @param image the image operations, each with its probability (modality image)
 * @param text the EDA rates (modality text)
 */
public record AugmentSpec(
    Integer copies, Map<String, Integer> copiesPerClass, Long seed, ImageOps image, TextOps text)
    implements Serializable {

  /** More copies than this per record is almost certainly a typo (and a flood downstream). */
  public static final int MAX_COPIES = 100;

  public AugmentSpec {
    copies = copies == null ? 0 : copies;
    copiesPerClass =
        copiesPerClass == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(copiesPerClass));
    seed = seed == null ? 42L : seed;
    image = image == null ? ImageOps.defaults() : image;
    text = text == null ? TextOps.defaults() : text;
  }

  public static AugmentSpec defaults() {
    return new AugmentSpec(null, null, null, null, null);
  }

  public AugmentSpec withCopies(int newCopies) {
    return new AugmentSpec(newCopies, copiesPerClass, seed, image, text);
  }

  /** Copies for a record of this class. */
  public int copiesFor(String label) {
    Integer perClass = copiesPerClass.get(label);
    return perClass != null ? perClass : copies;
  }

  /** Whether any class gets a copy at all. */
  public boolean enabled() {
    return copies > 0 || copiesPerClass.values().stream().anyMatch(c -> c != null && c > 0);
  }

  /**
   * Image operations, applied to a copy in this order, each when its own coin comes up: random
   * resized crop, horizontal flip, vertical flip, rotation, colour jitter, Gaussian noise.
   */
  public record ImageOps(
      Crop crop,
      Flip flipHorizontal,
      Flip flipVertical,
      Rotation rotation,
      ColorJitter colorJitter,
      Noise noise)
      implements Serializable {

    public ImageOps {
      crop = crop == null ? new Crop(null, null, null) : crop;
      flipHorizontal = flipHorizontal == null ? new Flip(0.5) : flipHorizontal;
      flipVertical = flipVertical == null ? new Flip(0.0) : flipVertical;
      rotation = rotation == null ? new Rotation(null, null) : rotation;
      colorJitter =
          colorJitter == null ? new ColorJitter(null, null, null, null, null) : colorJitter;
      noise = noise == null ? new Noise(null, null) : noise;
    }

    public static ImageOps defaults() {
      return new ImageOps(null, null, null, null, null, null);
    }
  }

  /**
   * torchvision's RandomResizedCrop back to the original size.
   *
   * @param minScale smallest share of the area kept, in (0, 1] (scale = (minScale, 1))
   * @param minRatio smallest aspect ratio, in (0, 1]; the largest is its inverse
   */
  public record Crop(Double probability, Double minScale, Double minRatio) implements Serializable {
    public Crop {
      probability = probability == null ? 0.5 : probability;
      minScale = minScale == null ? 0.5 : minScale;
      minRatio = minRatio == null ? 0.75 : minRatio;
    }
  }

  public record Flip(Double probability) implements Serializable {
    public Flip {
      probability = probability == null ? 0.0 : probability;
    }
  }

  /**
   * @param maxDegrees the angle is drawn uniformly from [-maxDegrees, +maxDegrees], in [0, 180];
   *     corners that come from outside the image are black
   */
  public record Rotation(Double probability, Double maxDegrees) implements Serializable {
    public Rotation {
      probability = probability == null ? 0.5 : probability;
      maxDegrees = maxDegrees == null ? 15.0 : maxDegrees;
    }
  }

  /**
   * torchvision's ColorJitter: each factor is drawn from [1 - x, 1 + x] (x in [0, 1], 0 = off); the
   * hue shift from [-hue, +hue] turns (hue in [0, 0.5]). Saturation and hue need RGB images.
   */
  public record ColorJitter(
      Double probability, Double brightness, Double contrast, Double saturation, Double hue)
      implements Serializable {
    public ColorJitter {
      probability = probability == null ? 0.5 : probability;
      brightness = brightness == null ? 0.4 : brightness;
      contrast = contrast == null ? 0.4 : contrast;
      saturation = saturation == null ? 0.0 : saturation;
      hue = hue == null ? 0.0 : hue;
    }
  }

  /**
   * @param sigma standard deviation of the added Gaussian noise, in 0-255 units, in [0, 255]
   */
  public record Noise(Double probability, Double sigma) implements Serializable {
    public Noise {
      probability = probability == null ? 0.0 : probability;
      sigma = sigma == null ? 10.0 : sigma;
    }
  }

  /**
   * The four EDA operations (Wei and Zou, 2019), each with its rate alpha in [0, 1] (0 = off): copy
   * k applies one operation, in turn synonym replacement, random insertion, random swap, random
   * deletion among those switched on.
   */
  public record TextOps(
      Double synonymReplacement, Double randomInsertion, Double randomSwap, Double randomDeletion)
      implements Serializable {
    public TextOps {
      synonymReplacement = synonymReplacement == null ? 0.1 : synonymReplacement;
      randomInsertion = randomInsertion == null ? 0.1 : randomInsertion;
      randomSwap = randomSwap == null ? 0.1 : randomSwap;
      randomDeletion = randomDeletion == null ? 0.1 : randomDeletion;
    }

    public static TextOps defaults() {
      return new TextOps(null, null, null, null);
    }
  }

  /**
   * Checks the values against each other, the classes and the image shape; names the key.
   *
   * @param channels the image channels for modality image, 0 for text
   */
  void validate(String origin, PipelineSpec.Modality modality, List<String> classes, int channels) {
    String key = "augment.";
    requireCopies(origin, key + "copies", copies);
    copiesPerClass.forEach(
        (label, count) -> {
          if (!classes.contains(label)) {
            throw new SpecException(
                origin
                    + ": key '"
                    + key
                    + "copiesPerClass."
                    + label
                    + "' is not a class; allowed: "
                    + classes);
          }
          requireCopies(origin, key + "copiesPerClass." + label, count);
        });
    if (modality == PipelineSpec.Modality.IMAGE) {
      if (!text.equals(TextOps.defaults())) {
        throw new SpecException(
            origin + ": key 'augment.text' applies to modality text only; remove it");
      }
      validateImage(origin, channels);
    } else {
      if (!image.equals(ImageOps.defaults())) {
        throw new SpecException(
            origin + ": key 'augment.image' applies to modality image only; remove it");
      }
      String t = key + "text.";
      requireUnit(origin, t + "synonymReplacement", text.synonymReplacement());
      requireUnit(origin, t + "randomInsertion", text.randomInsertion());
      requireUnit(origin, t + "randomSwap", text.randomSwap());
      requireUnit(origin, t + "randomDeletion", text.randomDeletion());
    }
  }

  private void validateImage(String origin, int channels) {
    String k = "augment.image.";
    requireUnit(origin, k + "crop.probability", image.crop().probability());
    requireOpenUnit(origin, k + "crop.minScale", image.crop().minScale());
    requireOpenUnit(origin, k + "crop.minRatio", image.crop().minRatio());
    requireUnit(origin, k + "flipHorizontal.probability", image.flipHorizontal().probability());
    requireUnit(origin, k + "flipVertical.probability", image.flipVertical().probability());
    requireUnit(origin, k + "rotation.probability", image.rotation().probability());
    requireRange(origin, k + "rotation.maxDegrees", image.rotation().maxDegrees(), 0, 180);
    ColorJitter jitter = image.colorJitter();
    requireUnit(origin, k + "colorJitter.probability", jitter.probability());
    requireUnit(origin, k + "colorJitter.brightness", jitter.brightness());
    requireUnit(origin, k + "colorJitter.contrast", jitter.contrast());
    requireUnit(origin, k + "colorJitter.saturation", jitter.saturation());
    requireRange(origin, k + "colorJitter.hue", jitter.hue(), 0, 0.5);
    if (channels == 1 && (jitter.saturation() > 0 || jitter.hue() > 0)) {
      throw new SpecException(
          origin
              + ": keys '"
              + k
              + "colorJitter.saturation' and '"
              + k
              + "colorJitter.hue' have no effect on grey images (image.channels: 1); set them"
              + " to 0");
    }
    requireUnit(origin, k + "noise.probability", image.noise().probability());
    requireRange(origin, k + "noise.sigma", image.noise().sigma(), 0, 255);
  }

  private static void requireCopies(String origin, String key, Integer value) {
    if (value == null || value < 0 || value > MAX_COPIES) {
      throw new SpecException(
          origin + ": key '" + key + "' must be in [0, " + MAX_COPIES + "], got " + value);
    }
  }

  private static void requireUnit(String origin, String key, Double value) {
    requireRange(origin, key, value, 0, 1);
  }

  private static void requireRange(String origin, String key, Double value, double lo, double hi) {
    if (value == null || !(value >= lo && value <= hi)) {
      throw new SpecException(
          origin
              + ": key '"
              + key
              + "' must be in ["
              + number(lo)
              + ", "
              + number(hi)
              + "], got "
              + value);
    }
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static void requireOpenUnit(String origin, String key, Double value) {
    if (value == null || !(value > 0 && value <= 1)) {
      throw new SpecException(origin + ": key '" + key + "' must be in (0, 1], got " + value);
    }
  }
}
