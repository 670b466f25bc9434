package io.streamtune.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageHeadersTest {

  @Test
  void theHeaderGivesFormatSizeAndChannelsWithoutDecoding() throws Exception {
    ImageHeaders.Header rgb =
        ImageHeaders.readHeader(encode(BufferedImage.TYPE_3BYTE_BGR, 7, 5, "png"));
    assertThat(rgb).isEqualTo(new ImageHeaders.Header("PNG", 7, 5, 3));
    ImageHeaders.Header grey =
        ImageHeaders.readHeader(encode(BufferedImage.TYPE_BYTE_GRAY, 4, 3, "jpeg"));
    assertThat(grey).isEqualTo(new ImageHeaders.Header("JPEG", 4, 3, 1));
  }

  @Test
  void aSmallPngDeclaringAHugeImageIsRefusedBeforeDecoding() throws Exception {
    byte[] bomb = bomb();
    assertThat(bomb.length).isLessThan(1_000);

    assertThat(ImageHeaders.readHeader(bomb))
        .isEqualTo(new ImageHeaders.Header("PNG", 40_000, 40_000, 1));
    // ImageIO.read would allocate 1.6 GB here (an OutOfMemoryError in the test JVM's 2 GB heap)
    assertThatThrownBy(() -> ImageHeaders.decode(bomb, 1_000_000))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "PNG declares 40000x40000 pixels, over the limit of 1000000 pixels; not decoded");
  }

  @Test
  void decodeReturnsThePixelsOfAnImageWithinTheLimit() throws Exception {
    BufferedImage image =
        ImageHeaders.decode(encode(BufferedImage.TYPE_BYTE_GRAY, 4, 3, "png"), 12);
    assertThat(image.getWidth()).isEqualTo(4);
    assertThat(image.getHeight()).isEqualTo(3);
  }

  @Test
  void garbageAndTruncatedImagesAreIoErrorsWithAReason() throws Exception {
    assertThatThrownBy(() -> ImageHeaders.readHeader("not an image".getBytes()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("not a PNG or JPEG image");
    byte[] png = encode(BufferedImage.TYPE_3BYTE_BGR, 64, 64, "png");
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    assertThat(ImageHeaders.readHeader(truncated).width()).isEqualTo(64);
    assertThatThrownBy(() -> ImageHeaders.decode(truncated, 64 * 64))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aTruncatedJpegIsAnIoErrorNotAGreyFilledImage() throws Exception {
    byte[] jpeg = encode(BufferedImage.TYPE_BYTE_GRAY, 28, 28, "jpg");
    assertThat(ImageHeaders.decode(jpeg, 28 * 28).getWidth()).isEqualTo(28);
    // before: ImageIO only warned ("Truncated File - Missing EOI marker") and filled the rest grey
    for (int cut : new int[] {jpeg.length - 2, jpeg.length * 3 / 4}) {
      byte[] truncated = Arrays.copyOf(jpeg, cut);
      assertThat(ImageHeaders.readHeader(truncated).width()).isEqualTo(28);
      assertThatThrownBy(() -> ImageHeaders.decode(truncated, 28 * 28))
          .as("cut at %d of %d bytes", cut, jpeg.length)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("corrupt JPEG image: ");
    }
  }

  @Test
  void aPngCutAnywhereBeforeTheEndOfItsIendChunkIsAnIoError() throws Exception {
    byte[] png = encode(BufferedImage.TYPE_BYTE_GRAY, 28, 28, "png");
    // before: cut after the last pixel row (checksums and IEND gone), the decoder returned it
    for (int cut = 34; cut < png.length; cut++) {
      byte[] truncated = Arrays.copyOf(png, cut);
      assertThatThrownBy(() -> ImageHeaders.decode(truncated, 28 * 28))
          .as("cut at %d of %d bytes", cut, png.length)
          .isInstanceOf(IOException.class);
    }
    // bytes after the IEND chunk do not make it truncated
    byte[] trailing = Arrays.copyOf(png, png.length + 7);
    assertThat(ImageHeaders.decode(trailing, 28 * 28).getWidth()).isEqualTo(28);
  }

  static byte[] bomb() throws IOException {
    try (InputStream in =
        ImageHeadersTest.class.getResourceAsStream("/images/bomb-40000x40000.png")) {
      return in.readAllBytes();
    }
  }

  private static byte[] encode(int type, int width, int height, String format) throws IOException {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 37 + y * 91) * 0x010101 & 0xffffff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }
}
