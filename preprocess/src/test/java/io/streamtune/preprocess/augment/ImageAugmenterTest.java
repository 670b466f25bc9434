package io.streamtune.preprocess.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageAugmenterTest {

  private static final ImageAugmentation EVERYTHING =
      new ImageAugmentation(
          3,
          Map.of("Bag", 5),
          0.8,
          0.5,
          0.75,
          0.5,
          0.1,
          0.8,
          15,
          0.8,
          0.4,
          0.4,
          0.4,
          0.1,
          0.5,
          8,
          42);

  @Test
  void copiesKeepTheShapeAndFollowPerClassMultipliers() {
    Image image = ImageOpsTest.randomImage(28, 28, 1, 1);
    ImageAugmenter augmenter = new ImageAugmenter(EVERYTHING);

    List<Image> shirts = augmenter.copies("r1", "Shirt", image);
    List<Image> bags = augmenter.copies("r1", "Bag", image);

    assertThat(shirts).hasSize(3).allSatisfy(copy -> assertThat(copy.width()).isEqualTo(28));
    assertThat(bags).hasSize(5).allSatisfy(copy -> assertThat(copy.channels()).isEqualTo(1));
    assertThat(shirts).allSatisfy(copy -> assertThat(copy).isNotEqualTo(image));
  }

  @Test
  void sameRecordAndSeedGiveTheSameCopiesAndAnotherSeedOthers() {
    Image image = ImageOpsTest.randomImage(32, 24, 3, 2);

    List<Image> first = new ImageAugmenter(EVERYTHING).copies("r7", "Coat", image);
    List<Image> replay = new ImageAugmenter(EVERYTHING).copies("r7", "Coat", image);
    ImageAugmentation otherSeed =
        new ImageAugmentation(
            3, Map.of(), 0.8, 0.5, 0.75, 0.5, 0.1, 0.8, 15, 0.8, 0.4, 0.4, 0.4, 0.1, 0.5, 8, 43);
    List<Image> other = new ImageAugmenter(otherSeed).copies("r7", "Coat", image);

    assertThat(replay).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(new ImageAugmenter(EVERYTHING).copies("r8", "Coat", image)).isNotEqualTo(first);
  }

  @Test
  void nothingEnabledCopiesTheOriginal() {
    Image image = ImageOpsTest.randomImage(10, 10, 3, 3);

    assertThat(new ImageAugmenter(ImageAugmentation.none()).copies("r", "x", image))
        .containsExactly(image);
  }

  /** Writes a few Fashion-MNIST images and their copies under target/ for a person to look at. */
  @Test
  void writesAugmentedSamplesAsPngForPeopleToLookAt() throws IOException {
    Path images =
        Path.of("..", "..", "shared", "datasets", "fashion-mnist", "t10k-images-idx3-ubyte.gz");
    assumeTrue(Files.exists(images), "Fashion-MNIST is not in ../shared/datasets");
    Path out = Path.of("target", "augmented-samples");
    Files.createDirectories(out);
    ImageAugmenter augmenter = new ImageAugmenter(EVERYTHING);
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(images)))) {
      in.skipBytes(16);
      for (int i = 0; i < 6; i++) {
        byte[] pixels = new byte[28 * 28];
        in.readFully(pixels);
        Image original = new Image(28, 28, 1, pixels);
        List<Image> copies = augmenter.copies("t10k-" + i, "any", original);
        Path png = out.resolve("fashion-" + i + ".png");
        writeStrip(original, copies, png);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(28 * 4 * 4);
      }
    }
  }

  /** The original and its copies side by side, scaled up 4x. */
  private static void writeStrip(Image original, List<Image> copies, Path png) throws IOException {
    int scale = 4;
    List<Image> all = new java.util.ArrayList<>(List.of(original));
    all.addAll(copies);
    BufferedImage strip =
        new BufferedImage(28 * scale * all.size(), 28 * scale, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < all.size(); i++) {
      for (int y = 0; y < 28 * scale; y++) {
        for (int x = 0; x < 28 * scale; x++) {
          int v = all.get(i).get(x / scale, y / scale, 0);
          strip.getRaster().setSample(i * 28 * scale + x, y, 0, v);
        }
      }
    }
    ImageIO.write(strip, "png", png.toFile());
  }
}
