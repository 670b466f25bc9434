package io.streamtune.preprocess.bench;

import io.streamtune.preprocess.augment.AugmentSeeds;
import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageAugmentation;
import io.streamtune.preprocess.augment.ImageOps;
import java.util.Random;

/**
 * A frozen copy of the image augmenter as it was before the fused single-pass version (commit
 * 8cce5fc): one full resampling pass per operation, in doubles. Kept so that {@link
 * AugmentBenchmark} can time old against new in the same JVM; the saturation, hue and noise
 * operations it calls did not change.
 */
final class LegacyImageAugmenter {

  private static final int CROP_ATTEMPTS = 10;

  private final ImageAugmentation config;

  LegacyImageAugmenter(ImageAugmentation config) {
    this.config = config;
  }

  Image copy(String recordId, Image image, int k) {
    return augment(image, new Random(AugmentSeeds.seed(config.seed(), recordId, k)));
  }

  private Image augment(Image image, Random random) {
    Image out = image;
    if (random.nextDouble() < config.cropProbability()) {
      out = randomResizedCrop(out, random);
    }
    if (random.nextDouble() < config.flipHorizontalProbability()) {
      out = flipHorizontal(out);
    }
    if (random.nextDouble() < config.flipVerticalProbability()) {
      out = flipVertical(out);
    }
    if (random.nextDouble() < config.rotationProbability()) {
      double degrees = (random.nextDouble() * 2 - 1) * config.rotationMaxDegrees();
      out = rotate(out, degrees, 0);
    }
    if (random.nextDouble() < config.jitterProbability()) {
      out = adjustBrightness(out, factor(random, config.brightness()));
      out = adjustContrast(out, factor(random, config.contrast()));
      out = ImageOps.adjustSaturation(out, factor(random, config.saturation()));
      out = ImageOps.adjustHue(out, (random.nextDouble() * 2 - 1) * config.hue());
    }
    if (random.nextDouble() < config.noiseProbability()) {
      out = ImageOps.addGaussianNoise(out, config.noiseSigma(), random);
    }
    return out;
  }

  private static double factor(Random random, double strength) {
    return 1 + (random.nextDouble() * 2 - 1) * strength;
  }

  private Image randomResizedCrop(Image image, Random random) {
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
        return resizedCrop(image, x, y, w, h, image.width(), image.height());
      }
    }
    return image;
  }

  private static Image flipHorizontal(Image image) {
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

  private static Image flipVertical(Image image) {
    byte[] out = new byte[image.pixels().length];
    int rowBytes = image.width() * image.channels();
    for (int y = 0; y < image.height(); y++) {
      System.arraycopy(
          image.pixels(), y * rowBytes, out, (image.height() - 1 - y) * rowBytes, rowBytes);
    }
    return new Image(image.width(), image.height(), image.channels(), out);
  }

  private static Image rotate(Image image, double degrees, int fill) {
    double radians = Math.toRadians(degrees);
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    int w = image.width();
    int h = image.height();
    int channels = image.channels();
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
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
          out[o++] = (byte) clamp(value);
        }
      }
    }
    return new Image(w, h, channels, out);
  }

  private static Image resizedCrop(
      Image image, double x, double y, double w, double h, int outWidth, int outHeight) {
    int width = image.width();
    int height = image.height();
    int channels = image.channels();
    double scaleX = w / outWidth;
    double scaleY = h / outHeight;
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
          out[o++] = (byte) clamp(lerp(top, bottom, fy));
        }
      }
    }
    return new Image(outWidth, outHeight, channels, out);
  }

  private static Image adjustBrightness(Image image, double factor) {
    return map(image, v -> v * factor);
  }

  private static Image adjustContrast(Image image, double factor) {
    double mean = meanGrey(image);
    return map(image, v -> mean + (v - mean) * factor);
  }

  private interface ValueMap {
    double apply(double value);
  }

  private static Image map(Image image, ValueMap f) {
    byte[] table = new byte[256];
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) clamp(f.apply(v));
    }
    byte[] in = image.pixels();
    byte[] pixels = new byte[in.length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = table[in[i] & 0xff];
    }
    return new Image(image.width(), image.height(), image.channels(), pixels);
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
          sum +=
              0.299 * image.get(x, y, 0) + 0.587 * image.get(x, y, 1) + 0.114 * image.get(x, y, 2);
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

  private static double sample(Image image, int x, int y, int c, int fill) {
    if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) {
      return fill;
    }
    return image.get(x, y, c);
  }

  private static double lerp(double a, double b, double t) {
    return t == 0 ? a : t == 1 ? b : a + (b - a) * t;
  }

  private static int clamp(double value) {
    return (int) Math.max(0, Math.min(255, Math.round(value)));
  }
}
