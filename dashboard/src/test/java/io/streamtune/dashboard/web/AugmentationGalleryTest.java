package io.streamtune.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.Split;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class AugmentationGalleryTest {

  /** A 4x3 grey image whose every pixel is {@code shade}. */
  static ImagePayload grey(int shade) {
    byte[] pixels = new byte[4 * 3];
    java.util.Arrays.fill(pixels, (byte) shade);
    return ImagePayload.newBuilder()
        .setWidth(4)
        .setHeight(3)
        .setChannels(1)
        .setEncoding(ImageEncoding.RAW_U8)
        .setData(ByteBuffer.wrap(pixels))
        .build();
  }

  static Example image(String id, String copyOf, Split split, int shade) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(copyOf == null ? id : copyOf)
        .setEventTime(Instant.parse("2026-12-07T00:00:00Z"))
        .setSplit(split)
        .setLabel("Shirt")
        .setLabelIndex(6)
        .setAugmentedFrom(copyOf)
        .setImage(grey(shade))
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void showsTheLatestOriginalsWithTheirCopiesInWhateverOrderTheyArrive() throws Exception {
    AugmentationGallery gallery = new AugmentationGallery();
    assertThat(gallery.entries()).isEmpty();
    // a copy before its original (another partition), then the original
    assertThat(gallery.accept(image("a#1", "a", Split.TRAIN, 10))).isTrue();
    assertThat(gallery.entries()).isEmpty();
    assertThat(gallery.accept(image("a", null, Split.TRAIN, 200))).isTrue();
    for (int k = 2; k <= 6; k++) {
      gallery.accept(image("a#" + k, "a", Split.TRAIN, 10 * k));
    }
    // an original without copies yet, holdout and text examples are not shown
    gallery.accept(image("b", null, Split.TRAIN, 50));
    assertThat(gallery.accept(image("h", null, Split.HOLDOUT, 50))).isFalse();
    assertThat(
            gallery.accept(
                Example.newBuilder(image("t", null, Split.TRAIN, 1))
                    .setImage(null)
                    .setText("words")
                    .build()))
        .isFalse();

    List<Map<String, Object>> entries = gallery.entries();
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0))
        .containsEntry("id", "a")
        .containsEntry("label", "Shirt")
        .containsEntry("copies", List.of("a#1", "a#2", "a#3", "a#4"));

    // each image is served as a PNG that decodes to its pixels
    BufferedImage original = ImageIO.read(new ByteArrayInputStream(gallery.png("a")));
    assertThat(original.getWidth()).isEqualTo(4);
    assertThat(original.getHeight()).isEqualTo(3);
    assertThat(original.getRaster().getSample(2, 1, 0)).isEqualTo(200);
    BufferedImage copy = ImageIO.read(new ByteArrayInputStream(gallery.png("a#3")));
    assertThat(copy.getRaster().getSample(0, 0, 0)).isEqualTo(30);
    // the fifth copy was not kept
    assertThat(gallery.png("a#5")).isNull();
    assertThat(gallery.png("h")).isNull();
  }

  @Test
  void keepsTheLatestOriginalsInConstantMemory() {
    AugmentationGallery gallery = new AugmentationGallery();
    int originals = AugmentationGallery.CANDIDATES + 20;
    for (int i = 0; i < originals; i++) {
      gallery.accept(image("o" + i, null, Split.TRAIN, i));
      gallery.accept(image("o" + i + "#1", "o" + i, Split.TRAIN, i));
    }
    assertThat(gallery.entries())
        .hasSize(AugmentationGallery.ORIGINALS)
        .extracting(e -> e.get("id"))
        .containsExactly("o83", "o82", "o81", "o80", "o79", "o78", "o77", "o76");
    // the oldest are gone: a late copy of one starts a group that has no original
    assertThat(gallery.png("o0")).isNull();
    assertThat(gallery.png("o83#1")).isNotNull();
  }
}
