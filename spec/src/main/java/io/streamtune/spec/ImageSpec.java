package io.streamtune.spec;

import java.io.Serializable;

/**
 * The {@code image} section (modality image): the shape every image of the pipeline has. A RAW_U8
 * payload of another shape, or a PNG/JPEG of another width or height, is dead-lettered; a PNG/JPEG
 * in another colour model is converted to {@code channels} (luma for grey, alpha dropped).
 *
 * @param width pixels per row, required
 * @param height rows, required
 * @param channels 1 (grey) or 3 (RGB)
 */
public record ImageSpec(Integer width, Integer height, Integer channels) implements Serializable {

  public static final int MAX_SIDE = 4096;

  public ImageSpec {
    channels = channels == null ? 1 : channels;
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
  }

  private static void requireSide(String origin, String key, Integer value) {
    if (value == null) {
      throw new SpecException(origin + ": key '" + key + "' is required for modality image");
    }
    if (value < 1 || value > MAX_SIDE) {
      throw new SpecException(
          origin + ": key '" + key + "' must be in [1, " + MAX_SIDE + "], got " + value);
    }
  }
}
