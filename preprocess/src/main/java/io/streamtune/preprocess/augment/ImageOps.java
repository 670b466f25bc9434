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
   * come from outside the image get {@code fill}.
   */
  public static Image rotate(Image image, double degrees, int fill) {
    double radians = Math.toRadians(degrees);
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    int w = image.width();
    int h = image.height();
    int channels = image.channels();
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    // the products of the inverse mapping, once per column and per row (same values, same order of
    // operations as computing them per pixel)
    double[] cosDx = new double[w];
    double[] sinDx = new double[w];
    for (int x = 0; x < w; x++) {
      cosDx[x] = cos * (x - cx);
      sinDx[x] = sin * (x - cx);
    }
    byte[] in = image.pixels();
    byte[] out = new byte[in.length];
    int o = 0;
    for (int y = 0; y < h; y++) {
      double dy = y - cy;
      double sinDy = sin * dy;
      double cosDy = cos * dy;
      for (int x = 0; x < w; x++) {
        // inverse mapping: where in the source does this output pixel come from (y grows downwards)
        double sx = cosDx[x] - sinDy + cx;
        double sy = sinDx[x] + cosDy + cy;
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        double fx = sx - x0;
        double fy = sy - y0;
        boolean inside = x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h;
        for (int c = 0; c < channels; c++) {
          double value;
          if (inside) {
            int i = (y0 * w + x0) * channels + c;
            int below = i + w * channels;
            double top = lerp(in[i] & 0xff, in[i + channels] & 0xff, fx);
            double bottom = lerp(in[below] & 0xff, in[below + channels] & 0xff, fx);
            value = lerp(top, bottom, fy);
          } else {
            value = bilinear(image, sx, sy, c, fill);
          }
          out[o++] = (byte) Image.clamp(value);
        }
      }
    }
    return new Image(w, h, channels, out);
  }

  /**
   * Crops the rectangle (x, y, w, h), which may have fractional bounds, and resizes it to outWidth
   * x outHeight bilinearly (pixel centres aligned, like torchvision's antialias=False resize).
   */
  public static Image resizedCrop(
      Image image, double x, double y, double w, double h, int outWidth, int outHeight) {
    int width = image.width();
    int height = image.height();
    int channels = image.channels();
    double scaleX = w / outWidth;
    double scaleY = h / outHeight;
    // the sampling positions depend on the column or the row only: computed once each
    int[] x0s = new int[outWidth];
    int[] x1s = new int[outWidth];
    double[] fxs = new double[outWidth];
    for (int ox = 0; ox < outWidth; ox++) {
      double sx = Math.max(0, Math.min(width - 1, x + (ox + 0.5) * scaleX - 0.5));
      x0s[ox] = (int) Math.floor(sx);
      x1s[ox] = Math.min(x0s[ox] + 1, width - 1);
      fxs[ox] = sx - x0s[ox];
    }
    byte[] in = image.pixels();
    byte[] out = new byte[outWidth * outHeight * channels];
    int o = 0;
    for (int oy = 0; oy < outHeight; oy++) {
      double sy = Math.max(0, Math.min(height - 1, y + (oy + 0.5) * scaleY - 0.5));
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min(y0 + 1, height - 1);
      double fy = sy - y0;
      int row0 = y0 * width;
      int row1 = y1 * width;
      for (int ox = 0; ox < outWidth; ox++) {
        double fx = fxs[ox];
        int a = (row0 + x0s[ox]) * channels;
        int b = (row0 + x1s[ox]) * channels;
        int d = (row1 + x0s[ox]) * channels;
        int e = (row1 + x1s[ox]) * channels;
        for (int c = 0; c < channels; c++) {
          double top = lerp(in[a + c] & 0xff, in[b + c] & 0xff, fx);
          double bottom = lerp(in[d + c] & 0xff, in[e + c] & 0xff, fx);
          out[o++] = (byte) Image.clamp(lerp(top, bottom, fy));
        }
      }
    }
    return new Image(outWidth, outHeight, channels, out);
  }

  /** Multiplies every value by factor (blend with black). */
  public static Image adjustBrightness(Image image, double factor) {
    return map(image, v -> v * factor);
  }

  /** Blends with the mean grey level of the image. */
  public static Image adjustContrast(Image image, double factor) {
    double mean = meanGrey(image);
    return map(image, v -> mean + (v - mean) * factor);
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

  private interface ValueMap {
    double apply(double value);
  }

  private static Image map(Image image, ValueMap f) {
    // one evaluation per possible value, not per pixel
    byte[] table = new byte[256];
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) Image.clamp(f.apply(v));
    }
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

  private static double bilinear(Image image, double sx, double sy, int c, int fill) {
    int x0 = (int) Math.floor(sx);
    int y0 = (int) Math.floor(sy);
    double fx = sx - x0;
    double fy = sy - y0;
    double top = lerp(sample(image, x0, y0, c, fill), sample(image, x0 + 1, y0, c, fill), fx);
    double bottom =
        lerp(sample(image, x0, y0 + 1, c, fill), sample(image, x0 + 1, y0 + 1, c, fill), fx);
    return lerp(top, bottom, fy);
  }

  private static double bilinearClamped(Image image, double sx, double sy, int c) {
    double x = Math.max(0, Math.min(image.width() - 1, sx));
    double y = Math.max(0, Math.min(image.height() - 1, sy));
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    int x1 = Math.min(x0 + 1, image.width() - 1);
    int y1 = Math.min(y0 + 1, image.height() - 1);
    double fx = x - x0;
    double fy = y - y0;
    double top = lerp(image.get(x0, y0, c), image.get(x1, y0, c), fx);
    double bottom = lerp(image.get(x0, y1, c), image.get(x1, y1, c), fx);
    return lerp(top, bottom, fy);
  }

  private static double sample(Image image, int x, int y, int c, int fill) {
    if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) {
      return fill;
    }
    return image.get(x, y, c);
  }

  private static double lerp(double a, double b, double t) {
    // exact at t = 0 and t = 1, so integer-aligned sampling (flips, quarter turns) is lossless
    return t == 0 ? a : t == 1 ? b : a + (b - a) * t;
  }
}
