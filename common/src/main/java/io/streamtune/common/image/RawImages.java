package io.streamtune.common.image;

import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;

/**
 * A prepared image ({@code RAW_U8}: row-major, channel-interleaved bytes, as preprocessing emits
 * every image) back to a picture a person can look at: {@code streamtune prepare}'s PNG files and
 * the dashboard's augmentation gallery.
 */
public final class RawImages {

  private RawImages() {}

  /**
   * The image as a grey or RGB {@link BufferedImage}.
   *
   * @throws IllegalArgumentException when it is not RAW_U8 of 1 or 3 channels, or its bytes do not
   *     fill its declared size
   */
  public static BufferedImage toBufferedImage(ImagePayload image) {
    if (image.getEncoding() != ImageEncoding.RAW_U8) {
      throw new IllegalArgumentException(
          "only RAW_U8 images are drawn, not " + image.getEncoding());
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int channels = image.getChannels();
    ByteBuffer data = image.getData().duplicate();
    if ((channels != 1 && channels != 3) || (long) w * h * channels != data.remaining()) {
      throw new IllegalArgumentException(
          data.remaining()
              + " bytes are not a "
              + w
              + "x"
              + h
              + " image of "
              + channels
              + " channel(s) (1 or 3)");
    }
    byte[] pixels = new byte[data.remaining()];
    data.get(pixels);
    if (channels == 1) {
      BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      grey.getRaster().setDataElements(0, 0, w, h, pixels);
      return grey;
    }
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    int[] samples = new int[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      samples[i] = pixels[i] & 0xff;
    }
    rgb.getRaster().setPixels(0, 0, w, h, samples);
    return rgb;
  }

  /** The image as PNG file bytes. */
  public static byte[] png(ImagePayload image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(toBufferedImage(image), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a PNG in memory", e);
    }
    return out.toByteArray();
  }
}
