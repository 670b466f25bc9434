package io.streamtune.common.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * PNG/JPEG reading that looks at the header before it decodes a pixel.
 *
 * <p>{@code ImageIO.read} allocates whatever the header declares: a 100-byte PNG that claims 60,000
 * × 60,000 pixels asks for 14 GB and ends in an {@code OutOfMemoryError} that no caller catches.
 * Here the declared size is checked first, and bytes no reader recognises are refused with a
 * reason.
 */
public final class ImageHeaders {

  private ImageHeaders() {}

  /** What an image file says of itself, read without decoding its pixels. */
  public record Header(String format, int width, int height, int channels) {

    public long pixels() {
      return (long) width * height;
    }
  }

  /** The header of a PNG or JPEG; no pixel is decoded. */
  public static Header readHeader(byte[] data) throws IOException {
    try (ImageInputStream input = open(data)) {
      ImageReader reader = readerFor(input);
      try {
        return header(reader);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * Decodes the image after its header says it has at most {@code maxPixels} pixels.
   *
   * @throws IOException with the reason when the bytes are no image, the header declares more than
   *     {@code maxPixels}, or the pixel data is corrupt or truncated
   */
  public static BufferedImage decode(byte[] data, long maxPixels) throws IOException {
    try (ImageInputStream input = open(data)) {
      ImageReader reader = readerFor(input);
      try {
        Header header = header(reader);
        if (header.width() <= 0 || header.height() <= 0 || header.pixels() > maxPixels) {
          throw new IOException(
              header.format()
                  + " declares "
                  + header.width()
                  + "x"
                  + header.height()
                  + " pixels, over the limit of "
                  + maxPixels
                  + " pixels; not decoded");
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        if (header.format().equals("PNG") && !hasPngEnd(data)) {
          // the PNG decoder does not notice a file cut after its last pixel row (the zlib
          // checksum, the CRC and the IEND chunk gone) and may return what it inflated
          throw new IOException("truncated PNG image: no IEND chunk in " + data.length + " bytes");
        }
        BufferedImage image = reader.read(0);
        if (image == null) {
          throw new IOException("undecodable " + header.format() + " image");
        }
        // the JPEG decoder does not fail on truncated or corrupt data: it warns and fills the
        // missing pixels grey, which would train on an image that is not the one sent
        for (String warning : warnings) {
          if (corruptData(warning)) {
            throw new IOException("corrupt " + header.format() + " image: " + warning);
          }
        }
        return image;
      } catch (RuntimeException e) {
        // ImageIO's decoders report corrupt data as IllegalArgumentException,
        // ArrayIndexOutOfBoundsException and the like
        throw new IOException("corrupt " + reader.getFormatName() + " image: " + e, e);
      } finally {
        reader.dispose();
      }
    }
  }

  /** The PNG's IEND chunk: length 0, type "IEND", CRC AE426082. */
  private static final byte[] PNG_IEND = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82
  };

  /** Whether a complete IEND chunk follows the header (trailing bytes after it are allowed). */
  static boolean hasPngEnd(byte[] data) {
    outer:
    for (int i = data.length - PNG_IEND.length; i >= 33; i--) {
      for (int k = 0; k < PNG_IEND.length; k++) {
        if (data[i + k] != PNG_IEND[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** A decoder warning that says pixel data is missing or damaged (not, e.g., odd metadata). */
  static boolean corruptData(String warning) {
    String text = String.valueOf(warning).toLowerCase(Locale.ROOT);
    return text.contains("truncated")
        || text.contains("corrupt")
        || text.contains("premature end")
        || text.contains("missing eoi");
  }

  private static ImageInputStream open(byte[] data) throws IOException {
    ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(data));
    if (input == null) {
      throw new IOException("cannot read image bytes");
    }
    return input;
  }

  private static ImageReader readerFor(ImageInputStream input) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
    if (!readers.hasNext()) {
      input.close();
      throw new IOException("not a PNG or JPEG image (no image reader recognises the bytes)");
    }
    ImageReader reader = readers.next();
    reader.setInput(input, true, true);
    return reader;
  }

  private static Header header(ImageReader reader) throws IOException {
    try {
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      ImageTypeSpecifier type = reader.getRawImageType(0);
      int channels = type == null ? 3 : type.getColorModel().getNumComponents();
      return new Header(reader.getFormatName().toUpperCase(Locale.ROOT), width, height, channels);
    } catch (RuntimeException e) {
      throw new IOException("unreadable " + reader.getFormatName() + " header: " + e, e);
    }
  }
}
