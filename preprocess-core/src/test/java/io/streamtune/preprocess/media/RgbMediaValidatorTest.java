package io.streamtune.preprocess.media;

import static io.streamtune.preprocess.media.MediaSpecs.encoded;
import static io.streamtune.preprocess.media.MediaSpecs.raw;
import static io.streamtune.preprocess.media.MediaSpecs.rawImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.augment.Image;
import io.streamtune.preprocess.augment.ImageResize;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** RGB images of any size brought to a 32x32x3 input: header limits, resize, crop, channels. */
class RgbMediaValidatorTest {

  private static final PipelineSpec SPEC =
      PipelineSpecs.parse(
          "name: rgb\nmodality: image\nlabel: {classes: [cat, dog]}\n"
              + "image: {width: 32, height: 32, channels: 3, resizeShorter: 36,"
              + " maxWidth: 1000, maxHeight: 800}\n",
          "rgb");

  private final MediaValidator validator = new MediaValidator(SPEC);

  private static MediaRecord valid(Outcome<MediaRecord> validation) {
    assertThat(validation).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted<MediaRecord>) validation).value();
  }

  private static String reason(Outcome<MediaRecord> validation) {
    assertThat(validation).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected<MediaRecord>) validation).reason();
  }

  /** Left half red, right half blue, of any size. */
  private static BufferedImage halves(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, x < width / 2 ? 0xff0000 : 0x0000ff);
      }
    }
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  @Test
  void pngsAndJpegsOfSeveralSizesBecomeTheInputShape() throws Exception {
    int[][] sizes = {{32, 32}, {36, 36}, {640, 480}, {200, 90}, {37, 500}};
    for (int[] size : sizes) {
      for (String format : new String[] {"png", "jpeg"}) {
        byte[] bytes = encode(halves(size[0], size[1]), format);
        ImageEncoding encoding = format.equals("png") ? ImageEncoding.PNG : ImageEncoding.JPEG;

        MediaRecord record = valid(validator.validate(raw("i", "dog", encoded(encoding, bytes))));

        String what = format + " " + size[0] + "x" + size[1];
        assertThat(record.width).as(what).isEqualTo(32);
        assertThat(record.height).as(what).isEqualTo(32);
        assertThat(record.channels).as(what).isEqualTo(3);
        assertThat(record.pixels).as(what).hasSize(32 * 32 * 3);
        Image image = new Image(32, 32, 3, record.pixels);
        // the centre crop keeps the left half red and the right half blue
        assertThat(image.get(2, 16, 0)).as(what).isGreaterThan(200);
        assertThat(image.get(2, 16, 2)).as(what).isLessThan(60);
        assertThat(image.get(29, 16, 2)).as(what).isGreaterThan(200);
        assertThat(image.get(29, 16, 0)).as(what).isLessThan(60);
      }
    }
  }

  @Test
  void rawGreyAndRgbOfOtherSizesAreConvertedAndResized() {
    byte[] grey = new byte[50 * 40];
    java.util.Arrays.fill(grey, (byte) 90);
    MediaRecord fromGrey = valid(validator.validate(raw("g", "cat", rawImage(50, 40, 1, grey))));
    assertThat(fromGrey.pixels).hasSize(32 * 32 * 3).containsOnly((byte) 90);

    byte[] rgb = new byte[32 * 32 * 3];
    new Random(1).nextBytes(rgb);
    MediaRecord same = valid(validator.validate(raw("s", "cat", rawImage(32, 32, 3, rgb))));
    assertThat(same.pixels).as("an image of the input's size is not resampled").isEqualTo(rgb);
  }

  @Test
  void imagesOverTheLargestSizeAreRejectedFromTheHeaderAndOddChannelsToo() throws Exception {
    byte[] wide = encode(halves(1200, 100), "png");
    assertThat(reason(validator.validate(raw("w", "cat", encoded(ImageEncoding.PNG, wide)))))
        .isEqualTo(
            "PNG image is 1200x100, outside 1x1 to 1000x800 (image.maxWidth, image.maxHeight);"
                + " not decoded");
    byte[] bomb;
    try (var in = getClass().getResourceAsStream("/images/bomb-40000x40000.png")) {
      bomb = in.readAllBytes();
    }
    assertThat(reason(validator.validate(raw("b", "cat", encoded(ImageEncoding.PNG, bomb)))))
        .startsWith("PNG image is 40000x40000, outside");
    assertThat(reason(validator.validate(raw("r", "cat", rawImage(3000, 10, 3, new byte[9])))))
        .startsWith("RAW_U8 image is 3000x10, outside");
    assertThat(reason(validator.validate(raw("c", "cat", rawImage(4, 4, 2, new byte[32])))))
        .isEqualTo("RAW_U8 image has 2 channels; 1 (grey) or 3 (RGB) are read");
    assertThat(reason(validator.validate(raw("d", "cat", rawImage(4, 4, 3, new byte[47])))))
        .isEqualTo("RAW_U8 data holds 47 bytes, expected 48 for 4x4x3");
  }

  @Test
  void resizeFollowsTorchvisionsShorterSideRuleAndCentreCrop() {
    // 80x40 -> shorter side 20: 40x20, centre crop 20x20 takes columns 10..29 of the resized
    byte[] pixels = new byte[80 * 40];
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 80; x++) {
        pixels[y * 80 + x] = (byte) (x < 20 || x >= 60 ? 0 : 200);
      }
    }
    Image fitted = ImageResize.fit(new Image(80, 40, 1, pixels), 20, 20, 20);
    assertThat(fitted.width()).isEqualTo(20);
    assertThat(fitted.height()).isEqualTo(20);
    // the crop is the middle half of the width: all of it from the 200 band
    for (int x = 1; x < 19; x++) {
      assertThat(fitted.get(x, 10, 0)).as("x=" + x).isEqualTo(200);
    }
  }
}
