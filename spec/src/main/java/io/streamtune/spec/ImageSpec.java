package io.streamtune.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;

/**
 * The {@code image} section (modality image): the model's input and how images of other sizes get
 * there. {@code width} x {@code height} x {@code channels} is what every prepared example holds and
 * what the model reads. With {@code resizeShorter} 0 (the default) a RAW_U8 payload of another
 * shape, or a PNG/JPEG of another width or height, is dead-lettered; with {@code resizeShorter} N
 * an image of any size up to {@code maxWidth} x {@code maxHeight} (read from the header, before any
 * pixel is decoded) has its shorter side resized to N and is centre-cropped to width x height
 * (torchvision's {@code Resize(N)} + {@code CenterCrop}). A PNG/JPEG in another colour model is
 * converted to {@code channels} (luma for grey, alpha dropped), and so is a RAW_U8 payload of 1 or
 * 3 channels when resizing is on.
 *
 * <p>The model reads each channel as {@code (value / 255 - mean[c]) / std[c]}. Left out, the input,
 * mean and std come from the backbone ({@link ImageBackbones}: ImageNet's for the zoo backbones, a
 * TorchScript file's sidecar), else mean 0 and std 1.
 *
 * @param width pixels per row of the model input
 * @param height rows of the model input
 * @param channels 1 (grey) or 3 (RGB)
 * @param maxWidth widest image accepted (header check), default {@link #MAX_SIDE}
 * @param maxHeight tallest image accepted (header check), default {@link #MAX_SIDE}
 * @param resizeShorter shorter side after resizing, 0 = images must already have the input size
 * @param mean per-channel mean subtracted from value / 255
 * @param std per-channel standard deviation that divides it
 */
public record ImageSpec(
    Integer width,
    Integer height,
    Integer channels,
    Integer maxWidth,
    Integer maxHeight,
    Integer resizeShorter,
    List<Double> mean,
    List<Double> std)
    implements Serializable {

  public static final int MAX_SIDE = 4096;

  /** The largest image side a header may declare at all (beyond it nothing is decoded). */
  public static final int MAX_DECODED_SIDE = 1 << 15;

  public ImageSpec {
    mean = mean == null ? null : List.copyOf(mean);
    std = std == null ? null : List.copyOf(std);
  }

  /** An input of this shape, mean 0 and std 1, no resizing. */
  public ImageSpec(Integer width, Integer height, Integer channels) {
    this(
        width,
        height,
        channels,
        MAX_SIDE,
        MAX_SIDE,
        0,
        Collections.nCopies(channels, 0.0),
        Collections.nCopies(channels, 1.0));
  }

  /**
   * This section with every key it leaves out filled: the input shape, mean and std from the
   * backbone when it declares them ({@link ImageBackbones}), else channels 1, mean 0, std 1; the
   * largest size {@link #MAX_SIDE}; no resizing. Called when the spec is read, so the Flink
   * operators get the resolved values and need no backbone file.
   */
  ImageSpec resolvedFor(String backbone) {
    ImageBackbones.Input input = ImageBackbones.input(backbone);
    int c = channels != null ? channels : input != null ? input.channels() : 1;
    boolean backboneValues = input != null && input.channels() == c;
    List<Double> m = mean != null ? mean : backboneValues ? input.mean() : null;
    List<Double> s = std != null ? std : backboneValues ? input.std() : null;
    return new ImageSpec(
        width == null && input != null ? Integer.valueOf(input.width()) : width,
        height == null && input != null ? Integer.valueOf(input.height()) : height,
        c,
        maxWidth == null ? MAX_SIDE : maxWidth,
        maxHeight == null ? MAX_SIDE : maxHeight,
        resizeShorter == null ? 0 : resizeShorter,
        m == null ? Collections.nCopies(c, 0.0) : m,
        s == null ? Collections.nCopies(c, 1.0) : s);
  }

  /** Checks the values; every message names the key. */
  void validate(String origin) {
    requireSide(origin, "image.width", width);
    requireSide(origin, "image.height", height);
    if (channels != 1 && channels != 3) {
      throw new SpecException(
          origin
              + ": invalid value '"
              + channels
              + "' for key 'image.channels'; allowed values: [1, 3]");
    }
    requireRange(origin, "image.maxWidth", maxWidth, 1, MAX_DECODED_SIDE);
    requireRange(origin, "image.maxHeight", maxHeight, 1, MAX_DECODED_SIDE);
    if (resizeShorter != 0) {
      requireRange(origin, "image.resizeShorter", resizeShorter, Math.max(width, height), MAX_SIDE);
    } else if (maxWidth < width || maxHeight < height) {
      throw new SpecException(
          origin
              + ": keys 'image.maxWidth' and 'image.maxHeight' must be at least the input size "
              + width
              + "x"
              + height);
    }
    requireChannelValues(origin, "image.mean", mean, false);
    requireChannelValues(origin, "image.std", std, true);
  }

  private void requireChannelValues(
      String origin, String key, List<Double> values, boolean positive) {
    if (values.size() != channels) {
      throw new SpecException(
          origin
              + ": key '"
              + key
              + "' needs one value per channel ("
              + channels
              + "), got "
              + values);
    }
    for (Double value : values) {
      if (value == null || !Double.isFinite(value) || (positive && value <= 0)) {
        throw new SpecException(
            origin
                + ": key '"
                + key
                + "' values must be finite"
                + (positive ? " and > 0" : "")
                + ", got "
                + values);
      }
    }
  }

  private static void requireSide(String origin, String key, Integer value) {
    if (value == null) {
      throw new SpecException(
          origin
              + ": key '"
              + key
              + "' is required for modality image (or a backbone that declares its input:"
              + " a zoo: backbone, or a TorchScript file with a sidecar)");
    }
    requireRange(origin, key, value, 1, MAX_SIDE);
  }

  private static void requireRange(String origin, String key, int value, int low, int high) {
    if (value < low || value > high) {
      throw new SpecException(
          origin + ": key '" + key + "' must be in [" + low + ", " + high + "], got " + value);
    }
  }
}
