package io.streamtune.preprocess.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

  static Image randomImage(int width, int height, int channels, long seed) {
    byte[] pixels = new byte[width * height * channels];
    new Random(seed).nextBytes(pixels);
    return new Image(width, height, channels, pixels);
  }

  @Test
  void horizontalFlipIsAnExactMirror() {
    Image image = randomImage(7, 5, 3, 1);

    Image flipped = ImageOps.flipHorizontal(image);

    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(flipped.get(x, y, c)).isEqualTo(image.get(6 - x, y, c));
        }
      }
    }
    assertThat(ImageOps.flipHorizontal(flipped)).isEqualTo(image);
  }

  @Test
  void verticalFlipIsAnExactMirror() {
    Image image = randomImage(4, 6, 1, 2);

    Image flipped = ImageOps.flipVertical(image);

    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 4; x++) {
        assertThat(flipped.get(x, y, 0)).isEqualTo(image.get(x, 5 - y, 0));
      }
    }
  }

  @Test
  void rotationByZeroIsTheIdentity() {
    Image image = randomImage(28, 28, 1, 3);

    assertThat(ImageOps.rotate(image, 0, 0)).isEqualTo(image);
  }

  @Test
  void rotationBy90DegreesIsTransposeThenFlip() {
    Image image = randomImage(28, 28, 3, 4);

    Image rotated = ImageOps.rotate(image, 90, 0);

    // counter-clockwise quarter turn: out(x, y) = in(w-1-y, x), i.e. transpose then vertical flip
    Image transposed = Image.blank(28, 28, 3);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        for (int c = 0; c < 3; c++) {
          transposed.set(x, y, c, image.get(y, x, c));
        }
      }
    }
    assertThat(rotated).isEqualTo(ImageOps.flipVertical(transposed));
    assertThat(ImageOps.rotate(ImageOps.rotate(rotated, 90, 0), 180, 0)).isEqualTo(image);
  }

  @Test
  void jitterWithFactorOneIsTheIdentity() {
    Image image = randomImage(9, 9, 3, 5);

    assertThat(ImageOps.adjustBrightness(image, 1)).isEqualTo(image);
    assertThat(ImageOps.adjustContrast(image, 1)).isEqualTo(image);
    assertThat(ImageOps.adjustSaturation(image, 1)).isEqualTo(image);
    assertThat(ImageOps.adjustHue(image, 0)).isEqualTo(image);
  }

  @Test
  void jitterMovesValuesTheDocumentedWay() {
    Image grey = new Image(2, 1, 1, new byte[] {100, (byte) 200});

    assertThat(ImageOps.adjustBrightness(grey, 0.5).pixels()).containsExactly(50, 100);
    // contrast blends with the mean (150): 150 + (v - 150) * 0.5
    assertThat(ImageOps.adjustContrast(grey, 0.5).pixels()).containsExactly(125, (byte) 175);
    // saturation 0 turns an RGB pixel into its grey value (ITU-R 601-2 luma)
    Image red = new Image(1, 1, 3, new byte[] {(byte) 255, 0, 0});
    assertThat(ImageOps.adjustSaturation(red, 0).pixels()).containsExactly(76, 76, 76);
    // half a turn of hue takes pure red to cyan
    assertThat(ImageOps.adjustHue(red, 0.5).pixels()).containsExactly(0, (byte) 255, (byte) 255);
  }

  @Test
  void fullImageCropAtTheSameSizeIsTheIdentity() {
    Image image = randomImage(12, 8, 1, 6);

    assertThat(ImageOps.resizedCrop(image, 0, 0, 12, 8, 12, 8)).isEqualTo(image);
  }

  @Test
  void upscalingAConstantCropKeepsItConstant() {
    Image constant = new Image(4, 4, 1, new byte[16]);
    java.util.Arrays.fill(constant.pixels(), (byte) 77);

    Image out = ImageOps.resizedCrop(constant, 1, 1, 2, 2, 28, 28);

    assertThat(out.width()).isEqualTo(28);
    for (byte b : out.pixels()) {
      assertThat(b & 0xff).isEqualTo(77);
    }
  }

  @Test
  void rotationMatchesExactBilinearSamplingUpToRounding() {
    Random random = new Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int channels = trial % 2 == 0 ? 1 : 3;
      Image image = randomImage(5 + random.nextInt(30), 5 + random.nextInt(30), channels, trial);
      double degrees = random.nextDouble() * 360 - 180;
      int fill = random.nextInt(256);

      Image rotated = ImageOps.rotate(image, degrees, fill);

      double radians = Math.toRadians(degrees);
      double cx = (image.width() - 1) / 2.0;
      double cy = (image.height() - 1) / 2.0;
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          double sx = Math.cos(radians) * (x - cx) - Math.sin(radians) * (y - cy) + cx;
          double sy = Math.sin(radians) * (x - cx) + Math.cos(radians) * (y - cy) + cy;
          for (int c = 0; c < channels; c++) {
            double exact = bilinear(image, sx, sy, c, fill, false);
            assertThat((double) rotated.get(x, y, c))
                .as("trial %d, %.2f degrees, pixel (%d, %d, %d)", trial, degrees, x, y, c)
                .isCloseTo(exact, within(0.9));
          }
        }
      }
    }
  }

  @Test
  void resizedCropMatchesExactBilinearSamplingUpToRoundingAndClampsToTheEdge() {
    Random random = new Random(8);
    for (int trial = 0; trial < 40; trial++) {
      int channels = trial % 2 == 0 ? 1 : 3;
      // one-pixel-wide and -high images included
      Image image = randomImage(1 + random.nextInt(20), 1 + random.nextInt(20), channels, trial);
      // fractional bounds, partly outside the image on purpose
      double x = random.nextDouble() * image.width() - 2;
      double y = random.nextDouble() * image.height() - 2;
      double w = 0.5 + random.nextDouble() * image.width();
      double h = 0.5 + random.nextDouble() * image.height();
      // every other grey trial at the image's own size (the grey fast path)
      boolean ownSize = trial % 4 == 0;
      int outWidth = ownSize ? image.width() : 1 + random.nextInt(40);
      int outHeight = ownSize ? image.height() : 1 + random.nextInt(40);

      Image crop = ImageOps.resizedCrop(image, x, y, w, h, outWidth, outHeight);

      for (int oy = 0; oy < outHeight; oy++) {
        for (int ox = 0; ox < outWidth; ox++) {
          double sx = x + (ox + 0.5) * w / outWidth - 0.5;
          double sy = y + (oy + 0.5) * h / outHeight - 0.5;
          for (int c = 0; c < channels; c++) {
            double exact = bilinear(image, sx, sy, c, 0, true);
            assertThat((double) crop.get(ox, oy, c))
                .as("trial %d, pixel (%d, %d, %d)", trial, ox, oy, c)
                .isCloseTo(exact, within(0.9));
          }
        }
      }
    }
  }

  @Test
  void oneByOneAndOnePixelWideImagesResampleToTheirOwnValues() {
    Image dot = new Image(1, 1, 1, new byte[] {(byte) 200});
    Image column = new Image(1, 3, 3, new byte[] {10, 20, 30, 10, 20, 30, 10, 20, 30});

    assertThat(ImageOps.resizedCrop(dot, 0, 0, 1, 1, 3, 2).pixels()).containsOnly((byte) 200);
    assertThat(ImageOps.rotate(dot, 45, 0)).isEqualTo(dot);
    assertThat(ImageOps.resizedCrop(column, 0, 0, 1, 3, 4, 5).pixels())
        .containsExactly(new Image(4, 5, 3, repeat(new byte[] {10, 20, 30}, 20)).pixels());
  }

  private static byte[] repeat(byte[] unit, int times) {
    byte[] out = new byte[unit.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(unit, 0, out, i * unit.length, unit.length);
    }
    return out;
  }

  @Test
  void clampRoundsExactlyLikeMathRound() {
    Random random = new Random(9);
    List<Double> values =
        new ArrayList<>(
            List.of(
                -1.0,
                -0.5,
                0.0,
                Math.nextDown(0.5),
                0.5,
                Math.nextDown(1.5),
                1.5,
                Math.nextDown(254.5),
                254.5,
                255.0,
                1e300,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY));
    for (int i = 0; i < 100_000; i++) {
      values.add(random.nextDouble() * 300 - 20);
      // exact halves and their neighbours, where rounding can go wrong
      double half = random.nextInt(260) + 0.5;
      values.add(half);
      values.add(Math.nextDown(half));
      values.add(Math.nextUp(half));
    }

    for (double value : values) {
      assertThat(Image.clamp(value))
          .as("%s", value)
          .isEqualTo((int) Math.max(0, Math.min(255, Math.round(value))));
    }
  }

  /**
   * Bilinear sampling in doubles, the definition the fixed-point pass approximates. Its 11-bit
   * weights and 16-bit positions are off by at most ~0.4 of a level before rounding to an integer
   * (0.5), hence the 0.9 tolerance; dropping the rounding, for one, breaks it.
   *
   * <p>Neighbours outside the image are its nearest edge pixel (clamp) or {@code fill}.
   */
  static double bilinear(Image image, double sx, double sy, int c, int fill, boolean clamp) {
    if (clamp) {
      sx = Math.max(0, Math.min(image.width() - 1, sx));
      sy = Math.max(0, Math.min(image.height() - 1, sy));
    }
    int x0 = (int) Math.floor(sx);
    int y0 = (int) Math.floor(sy);
    double fx = sx - x0;
    double fy = sy - y0;
    double top = pixel(image, x0, y0, c, fill) * (1 - fx) + pixel(image, x0 + 1, y0, c, fill) * fx;
    double bottom =
        pixel(image, x0, y0 + 1, c, fill) * (1 - fx) + pixel(image, x0 + 1, y0 + 1, c, fill) * fx;
    return top * (1 - fy) + bottom * fy;
  }

  private static double pixel(Image image, int x, int y, int c, int fill) {
    if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) {
      return fill;
    }
    return image.get(x, y, c);
  }
}
