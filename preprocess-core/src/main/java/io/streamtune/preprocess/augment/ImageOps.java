package io.streamtune.preprocess.augment;

import java.util.Random;

/**
 * Pure image operations on {@link Image}s, with torchvision's semantics where it has the operation
 * (brightness blends with black, contrast with the mean grey level, saturation with the grey image,
 * hue rotates the HSV hue). DJL's own colour transforms do not run on PyTorch and it has no
 * rotation, hence these.
 */
public final class ImageOps {

  private ImageOps() {}

  public static Image flipHorizontal(Image image) {
    int w = image.width();
    int c = image.channels();
    byte[] in = image.pixels();
    byte[] out = new byte[in.length];
    for (int y = 0; y < image.height(); y++) {
      int row = y * w * c;
      for (int x = 0; x < w; x++) {
        System.arraycopy(in, row + x * c, out, row + (w - 1 - x) * c, c);
      }
    }
    return new Image(w, image.height(), c, out);
  }

  public static Image flipVertical(Image image) {
    Image out = Image.blank(image.width(), image.height(), image.channels());
    int rowBytes = image.width() * image.channels();
    for (int y = 0; y < image.height(); y++) {
      System.arraycopy(
          image.pixels(),
          y * rowBytes,
          out.pixels(),
          (image.height() - 1 - y) * rowBytes,
          rowBytes);
    }
    return out;
  }

  /**
   * Rotates counter-clockwise by {@code degrees} about the centre, sampling bilinearly; pixels that
   * come from outside the image get {@code fill} (blended over the one-pixel border, as bilinear
   * sampling of an image surrounded by fill).
   */
  public static Image rotate(Image image, double degrees, int fill) {
    int w = image.width();
    int h = image.height();
    Affine inverse = Affine.rotationInverse(degrees, w, h);
    return new Image(w, h, image.channels(), Warp.apply(image, inverse, inverse, w, h, fill, w, h));
  }

  /**
   * Crops the rectangle (x, y, w, h), which may have fractional bounds, and resizes it to outWidth
   * x outHeight bilinearly (pixel centres aligned, like torchvision's antialias=False resize;
   * positions outside the image take the nearest edge pixel).
   */
  public static Image resizedCrop(
      Image image, double x, double y, double w, double h, int outWidth, int outHeight) {
    Affine inverse = Affine.cropInverse(x, y, w, h, outWidth, outHeight);
    return new Image(
        outWidth,
        outHeight,
        image.channels(),
        Warp.apply(image, inverse, null, 0, 0, 0, outWidth, outHeight));
  }

  /** Multiplies every value by factor (blend with black). */
  public static Image adjustBrightness(Image image, double factor) {
    return map(image, brightnessTable(factor));
  }

  /** Blends with the mean grey level of the image. */
  public static Image adjustContrast(Image image, double factor) {
    return map(image, contrastTable(meanGrey(image), factor));
  }

  /** Brightness as a table over the 256 values: {@code table[v]} is the adjusted v. */
  static byte[] brightnessTable(double factor) {
    // one evaluation per possible value, not per pixel
    byte[] table = new byte[256];
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) Image.clamp(v * factor);
    }
    return table;
  }

  /** Contrast towards {@code mean} as a table over the 256 values. */
  static byte[] contrastTable(double mean, double factor) {
    byte[] table = new byte[256];
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) Image.clamp(mean + (v - mean) * factor);
    }
    return table;
  }

  /** Blends each pixel with its grey value; grey images are unchanged. */
  public static Image adjustSaturation(Image image, double factor) {
    if (image.channels() == 1) {
      return image;
    }
    byte[] in = image.pixels();
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i += 3) {
      saturate(in, i, out, factor);
    }
    return new Image(image.width(), image.height(), 3, out);
  }

  /** Rotates the hue by {@code shift} turns (in [-0.5, 0.5]); grey images are unchanged. */
  public static Image adjustHue(Image image, double shift) {
    if (image.channels() == 1 || shift == 0) {
      return image;
    }
    byte[] in = image.pixels();
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i += 3) {
      rotateHue(in, i, out, shift);
    }
    return new Image(image.width(), image.height(), 3, out);
  }

  /**
   * RGB colour jitter in one pass over the pixels: brightness, contrast, saturation, hue, in that
   * order, with the same values as {@link #adjustBrightness}, {@link #adjustContrast}, {@link
   * #adjustSaturation} and {@link #adjustHue} one after another (each rounds to 8 bits). Brightness
   * and contrast are one 256-entry table; the contrast's mean is the luma of the brightened image,
   * from per-channel sums.
   *
   * @param out where the jittered pixels go (may be the input array)
   */
  static void jitterRgb(
      byte[] in, double brightness, double contrast, double saturation, double hue, byte[] out) {
    byte[] bright = brightnessTable(brightness);
    long[] sums = new long[3];
    for (int i = 0; i < in.length; i += 3) {
      sums[0] += bright[in[i] & 0xff] & 0xff;
      sums[1] += bright[in[i + 1] & 0xff] & 0xff;
      sums[2] += bright[in[i + 2] & 0xff] & 0xff;
    }
    double mean = luma(sums[0], sums[1], sums[2]) / (in.length / 3);
    byte[] contrastTable = contrastTable(mean, contrast);
    byte[] table = new byte[256];
    for (int v = 0; v < 256; v++) {
      table[v] = contrastTable[bright[v] & 0xff];
    }
    boolean saturates = saturation != 1;
    boolean rotates = hue != 0;
    for (int i = 0; i < in.length; i += 3) {
      out[i] = table[in[i] & 0xff];
      out[i + 1] = table[in[i + 1] & 0xff];
      out[i + 2] = table[in[i + 2] & 0xff];
      if (saturates) {
        saturate(out, i, out, saturation);
      }
      if (rotates) {
        rotateHue(out, i, out, hue);
      }
    }
  }

  /** Pixel i (3 bytes) blended with its luma by factor, into out (may be in). */
  private static void saturate(byte[] in, int i, byte[] out, double factor) {
    int r = in[i] & 0xff;
    int g = in[i + 1] & 0xff;
    int b = in[i + 2] & 0xff;
    double grey = luma(r, g, b);
    out[i] = (byte) Image.clamp(grey + (r - grey) * factor);
    out[i + 1] = (byte) Image.clamp(grey + (g - grey) * factor);
    out[i + 2] = (byte) Image.clamp(grey + (b - grey) * factor);
  }

  /**
   * Pixel i's hue rotated by shift turns through HSV, into out (may be in): torchvision's {@code
   * _rgb2hsv} and {@code _hsv2rgb} (PIL's conversion), rounded back to 8 bits. Worked in 0-255
   * units, where value is the largest channel and, with chroma = max - min, HSV's p = min, q = max
   * - chroma * f and t = min + chroma * f: one division per pixel.
   */
  private static void rotateHue(byte[] in, int i, byte[] out, double shift) {
    int r = in[i] & 0xff;
    int g = in[i + 1] & 0xff;
    int b = in[i + 2] & 0xff;
    int max = Math.max(r, Math.max(g, b));
    int min = Math.min(r, Math.min(g, b));
    if (max == min) {
      // no saturation: the hue is undefined and rotating it changes nothing
      out[i] = (byte) r;
      out[i + 1] = (byte) g;
      out[i + 2] = (byte) b;
      return;
    }
    int chroma = max - min;
    // hue in sixths of a turn, [-1, 5)
    double sixths;
    if (max == r) {
      sixths = (g - b) / (double) chroma;
    } else if (max == g) {
      sixths = 2.0 + (b - r) / (double) chroma;
    } else {
      sixths = 4.0 + (r - g) / (double) chroma;
    }
    double h = sixths / 6.0 + shift;
    h -= Math.floor(h);
    double scaled = h * 6.0;
    int sector = (int) scaled;
    double f = scaled - sector;
    // h just under 1 can round to 6 sixths: that is sector 0 (torchvision's i % 6)
    sector %= 6;
    double p = min;
    double q = max - chroma * f;
    double t = min + chroma * f;
    double ro;
    double go;
    double bo;
    switch (sector) {
      case 0 -> {
        ro = max;
        go = t;
        bo = p;
      }
      case 1 -> {
        ro = q;
        go = max;
        bo = p;
      }
      case 2 -> {
        ro = p;
        go = max;
        bo = t;
      }
      case 3 -> {
        ro = p;
        go = q;
        bo = max;
      }
      case 4 -> {
        ro = t;
        go = p;
        bo = max;
      }
      default -> {
        ro = max;
        go = p;
        bo = q;
      }
    }
    out[i] = (byte) Image.clamp(ro);
    out[i + 1] = (byte) Image.clamp(go);
    out[i + 2] = (byte) Image.clamp(bo);
  }

  /** Adds zero-mean Gaussian noise of standard deviation sigma (in 0-255 units). */
  public static Image addGaussianNoise(Image image, double sigma, Random random) {
    byte[] pixels = new byte[image.pixels().length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) Image.clamp((image.pixels()[i] & 0xff) + random.nextGaussian() * sigma);
    }
    return new Image(image.width(), image.height(), image.channels(), pixels);
  }

  private static Image map(Image image, byte[] table) {
    byte[] in = image.pixels();
    byte[] pixels = new byte[in.length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = table[in[i] & 0xff];
    }
    return new Image(image.width(), image.height(), image.channels(), pixels);
  }

  /** ITU-R 601-2 luma, as torchvision's rgb_to_grayscale (which then truncates it to 8 bits). */
  private static double luma(double r, double g, double b) {
    return 0.299 * r + 0.587 * g + 0.114 * b;
  }

  private static double meanGrey(Image image) {
    byte[] pixels = image.pixels();
    if (image.channels() == 1) {
      long sum = 0;
      for (byte value : pixels) {
        sum += value & 0xff;
      }
      return sum / (image.width() * (double) image.height());
    }
    long[] sums = new long[3];
    for (int i = 0; i < pixels.length; i += 3) {
      sums[0] += pixels[i] & 0xff;
      sums[1] += pixels[i + 1] & 0xff;
      sums[2] += pixels[i + 2] & 0xff;
    }
    // the luma of the channel sums: the mean luma, with no rounding in between
    return luma(sums[0], sums[1], sums[2]) / (pixels.length / 3);
  }
}
