package io.streamtune.preprocess.augment;

import static org.assertj.core.api.Assertions.assertThat;

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
}
