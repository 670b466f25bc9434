package io.streamtune.preprocess.augment;

import java.util.Arrays;

/**
 * An 8-bit image: row-major, channels interleaved (1 = grey, 3 = RGB). Immutable by convention:
 * every operation returns a new image.
 */
public record Image(int width, int height, int channels, byte[] pixels) {

  public Image {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
    }
    if (pixels.length != width * height * channels) {
      throw new IllegalArgumentException(
          "expected "
              + width * height * channels
              + " bytes for "
              + width
              + "x"
              + height
              + "x"
              + channels
              + ", got "
              + pixels.length);
    }
  }

  public static Image blank(int width, int height, int channels) {
    return new Image(width, height, channels, new byte[width * height * channels]);
  }

  /** Value 0-255 of a channel at (x, y). */
  public int get(int x, int y, int channel) {
    return pixels[(y * width + x) * channels + channel] & 0xff;
  }

  void set(int x, int y, int channel, int value) {
    pixels[(y * width + x) * channels + channel] = (byte) clamp(value);
  }

  static int clamp(long value) {
    return (int) Math.max(0, Math.min(255, value));
  }

  /**
   * {@code max(0, min(255, Math.round(value)))} without Math.round's bit manipulation (it is hot in
   * the per-copy jitter tables): from 0.5 up, adding 0.5 cannot round across an integer, so the
   * truncating cast gives the same value.
   */
  static int clamp(double value) {
    if (value >= 254.5) {
      return 255;
    }
    return value >= 0.5 ? (int) (value + 0.5) : 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Image image
        && width == image.width
        && height == image.height
        && channels == image.channels
        && Arrays.equals(pixels, image.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "Image[" + width + "x" + height + "x" + channels + "]";
  }
}
