package io.streamtune.launcher;

import io.streamtune.ingest.IdxImageReader;
import io.streamtune.model.image.LabeledImages;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Loads IDX image datasets into memory for pretraining and transfer checks. */
final class ImageDatasets {

  static final Path MNIST_IMAGES = Path.of("data", "mnist", "mnist-10k-images-idx3-ubyte.gz");
  static final Path MNIST_LABELS = Path.of("data", "mnist", "mnist-10k-labels-idx1-ubyte.gz");

  private ImageDatasets() {}

  /** The first {@code limit} images (all when limit <= 0). */
  static LabeledImages loadIdx(Path images, Path labels, List<String> classes, int limit) {
    List<byte[]> pixels = new ArrayList<>();
    List<Integer> labelIndices = new ArrayList<>();
    try (IdxImageReader reader =
        new IdxImageReader(images, labels, classes, "dataset", Clock.systemUTC())) {
      while (reader.hasNext() && (limit <= 0 || pixels.size() < limit)) {
        RawRecord record = reader.next();
        ByteBuffer data = ((ImagePayload) record.getPayload()).getData();
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        pixels.add(bytes);
        labelIndices.add(classes.indexOf(record.getLabel()));
      }
    }
    return LabeledImages.fromBytes(
        pixels.toArray(byte[][]::new),
        labelIndices.stream().mapToInt(Integer::intValue).toArray(),
        classes.size());
  }
}
