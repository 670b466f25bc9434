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
    Image out = Image.blank(image.width(), image.height(), 3);
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        double grey = grey(image, x, y);
        for (int c = 0; c < 3; c++) {
          out.set(x, y, c, Image.clamp(grey + (image.get(x, y, c) - grey) * factor));
        }
      }
    }
    return out;
  }

  /** Rotates the hue by {@code shift} turns (in [-0.5, 0.5]); grey images are unchanged. */
  public static Image adjustHue(Image image, double shift) {
    if (image.channels() == 1 || shift == 0) {
      return image;
    }
    Image out = Image.blank(image.width(), image.height(), 3);
    float[] hsb = new float[3];
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        java.awt.Color.RGBtoHSB(image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2), hsb);
        float hue = (float) ((hsb[0] + shift) % 1.0 + 1.0) % 1.0f;
        int rgb = java.awt.Color.HSBtoRGB(hue, hsb[1], hsb[2]);
        out.set(x, y, 0, (rgb >> 16) & 0xff);
        out.set(x, y, 1, (rgb >> 8) & 0xff);
        out.set(x, y, 2, rgb & 0xff);
      }
    }
    return out;
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

  /** ITU-R 601-2 luma, as torchvision's rgb_to_grayscale. */
  private static double grey(Image image, int x, int y) {
    if (image.channels() == 1) {
      return image.get(x, y, 0);
    }
    return 0.299 * image.get(x, y, 0) + 0.587 * image.get(x, y, 1) + 0.114 * image.get(x, y, 2);
  }

  private static double meanGrey(Image image) {
    double sum = 0;
    if (image.channels() == 1) {
      for (byte value : image.pixels()) {
        sum += value & 0xff;
      }
    } else {
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          sum += grey(image, x, y);
        }
      }
    }
    return sum / (image.width() * (double) image.height());
  }
}
