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
import java.util.Random;
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

  @Test
  void flipsAloneAreExactMirrorsAndBothAreAHalfTurn() {
    Image image = ImageOpsTest.randomImage(28, 28, 1, 4);
    ImageAugmentation none = ImageAugmentation.none();

    Image horizontal = only(none, 1, 0, 0, 0).copies("r", "x", image).get(0);
    Image vertical = only(none, 0, 1, 0, 0).copies("r", "x", image).get(0);
    Image both = only(none, 1, 1, 0, 0).copies("r", "x", image).get(0);

    assertThat(horizontal).isEqualTo(ImageOps.flipHorizontal(image));
    assertThat(vertical).isEqualTo(ImageOps.flipVertical(image));
    assertThat(both).isEqualTo(ImageOps.rotate(image, 180, 0));
  }

  @Test
  void rotationByZeroAndAFullSizeCropLeaveTheImageExactlyAsItWas() {
    Image image = ImageOpsTest.randomImage(28, 28, 3, 5);
    ImageAugmentation none = ImageAugmentation.none();
    // crop scale 1 and ratio 1: the whole 28x28 image, resized to 28x28
    ImageAugmentation fullCrop =
        new ImageAugmentation(1, Map.of(), 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9);

    Image rotated = only(none, 0, 0, 1, 0).copies("r", "x", image).get(0);
    Image cropped = new ImageAugmenter(fullCrop).copies("r", "x", image).get(0);

    assertThat(rotated).isEqualTo(image);
    assertThat(cropped).isEqualTo(image);
  }

  @Test
  void greyJitterEqualsBrightnessThenContrastExactly() {
    Image image = ImageOpsTest.randomImage(28, 28, 1, 6);
    ImageAugmentation jitter =
        new ImageAugmentation(1, Map.of(), 0, 0.5, 0.75, 0, 0, 0, 0, 1, 0.4, 0.4, 0, 0, 0, 0, 1);
    ImageAugmenter augmenter = new ImageAugmenter(jitter);

    for (int k = 0; k < 20; k++) {
      ImageAugmenter.Plan plan = augmenter.plan(image, new Random(k));
      Image copy = augmenter.augment(image, new Random(k));

      Image stepByStep =
          ImageOps.adjustContrast(
              ImageOps.adjustBrightness(image, plan.brightness()), plan.contrast());
      assertThat(plan.brightness()).isNotEqualTo(1.0);
      assertThat(copy).isEqualTo(stepByStep);
    }
  }

  /**
   * The one-pass copy against the same draws applied one operation after another with {@link
   * ImageOps} (two bilinear resamplings where crop and rotation meet, so not bit-equal): close on
   * every image, and the same on average.
   */
  @Test
  void fusedCopiesMatchTheOperationsAppliedOneAfterAnother() {
    ImageAugmentation geometry =
        new ImageAugmentation(
            1, Map.of(), 1, 0.5, 0.75, 0.5, 0.5, 1, 30, 1, 0.4, 0.4, 0.4, 0.1, 0, 0, 3);
    ImageAugmenter augmenter = new ImageAugmenter(geometry);
    double totalDifference = 0;
    long totalValues = 0;
    for (int k = 0; k < 200; k++) {
      Image image = smoothImage(28, 28, k % 4 == 0 ? 3 : 1, k);
      ImageAugmenter.Plan plan = augmenter.plan(image, new Random(k));

      Image fused = augmenter.augment(image, new Random(k));
      Image stepByStep = stepByStep(image, plan);

      long difference = 0;
      for (int i = 0; i < fused.pixels().length; i++) {
        difference += Math.abs((fused.pixels()[i] & 0xff) - (stepByStep.pixels()[i] & 0xff));
      }
      assertThat(difference / (double) fused.pixels().length).as("copy %d", k).isLessThan(2.0);
      totalDifference += difference;
      totalValues += fused.pixels().length;
    }
    assertThat(totalDifference / totalValues).isLessThan(1.0);
  }

  private static Image stepByStep(Image image, ImageAugmenter.Plan plan) {
    Image out = image;
    if (plan.crop() != null) {
      int[] c = plan.crop();
      out = ImageOps.resizedCrop(out, c[0], c[1], c[2], c[3], out.width(), out.height());
    }
    if (plan.flipHorizontal()) {
      out = ImageOps.flipHorizontal(out);
    }
    if (plan.flipVertical()) {
      out = ImageOps.flipVertical(out);
    }
    if (!Double.isNaN(plan.degrees())) {
      out = ImageOps.rotate(out, plan.degrees(), 0);
    }
    if (plan.jitter()) {
      out = ImageOps.adjustBrightness(out, plan.brightness());
      out = ImageOps.adjustContrast(out, plan.contrast());
      out = ImageOps.adjustSaturation(out, plan.saturation());
      out = ImageOps.adjustHue(out, plan.hue());
    }
    return out;
  }

  /** A picture-like image: smooth shapes of random frequency and phase, not noise. */
  private static Image smoothImage(int width, int height, int channels, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[width * height * channels];
    for (int c = 0; c < channels; c++) {
      double fx = 0.1 + random.nextDouble() * 0.4;
      double fy = 0.1 + random.nextDouble() * 0.4;
      double phase = random.nextDouble() * 6;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double v = 128 + 120 * Math.sin(fx * x + phase) * Math.cos(fy * y);
          pixels[(y * width + x) * channels + c] = (byte) Math.round(v);
        }
      }
    }
    return new Image(width, height, channels, pixels);
  }

  /** An augmenter with only the flips and the rotation (max 0 degrees) switched as given. */
  private static ImageAugmenter only(
      ImageAugmentation base, double flipH, double flipV, double rotation, double maxDegrees) {
    return new ImageAugmenter(
        new ImageAugmentation(
            1,
            Map.of(),
            0,
            base.cropMinScale(),
            base.cropMinRatio(),
            flipH,
            flipV,
            rotation,
            maxDegrees,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            11));
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
