package io.streamtune.ingest;

import io.streamtune.common.image.ImageHeaders;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * Reads a folder-per-class directory ({@code root/<class>/<image>.png|jpg|jpeg}) in sorted order.
 * The encoded bytes are kept as they are (PNG or JPEG payloads); a file that does not decode is
 * rejected with a reason instead of being skipped.
 */
public final class ImageFolderReader implements Iterator<Outcome<RawRecord>> {

  private final Path root;
  private final List<Path> files;
  private final String sourceName;
  private final Clock clock;
  private int next;

  public ImageFolderReader(Path root, String sourceName, Clock clock) {
    if (!Files.isDirectory(root)) {
      throw new IngestException(root + " is not a directory of class folders");
    }
    this.root = root;
    this.sourceName = sourceName;
    this.clock = clock;
    try (Stream<Path> walk = Files.walk(root, 2)) {
      this.files =
          walk.filter(Files::isRegularFile)
              .filter(file -> root.relativize(file).getNameCount() == 2)
              .filter(ImageFolderReader::looksLikeAnImage)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IngestException(root + " holds no <class>/<image>.png|jpg|jpeg files");
    }
  }

  /** Class names in sorted order: the folder names that hold images. */
  public List<String> classNames() {
    return files.stream()
        .map(file -> root.relativize(file).getName(0).toString())
        .distinct()
        .toList();
  }

  public int size() {
    return files.size();
  }

  private static boolean looksLikeAnImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
  }

  @Override
  public boolean hasNext() {
    return next < files.size();
  }

  @Override
  public Outcome<RawRecord> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Path file = files.get(next++);
    String relative = root.relativize(file).toString().replace('\\', '/');
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return IngestOutcomes.rejected(relative, new byte[0], "cannot read: " + e.getMessage());
    }
    // the header is all ingest needs (size, channels); the job decodes, after checking it
    ImageHeaders.Header header;
    try {
      header = ImageHeaders.readHeader(bytes);
    } catch (IOException e) {
      return IngestOutcomes.rejected(
          relative, bytes, "not a readable PNG or JPEG image: " + e.getMessage());
    }
    boolean png = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
    RawRecord record =
        RawRecord.newBuilder()
            .setId(sourceName + "/" + relative)
            .setEventTime(clock.instant())
            .setSource(sourceName + ":" + relative)
            .setLabel(root.relativize(file).getName(0).toString())
            .setPayload(
                ImagePayload.newBuilder()
                    .setWidth(header.width())
                    .setHeight(header.height())
                    .setChannels(header.channels())
                    .setEncoding(png ? ImageEncoding.PNG : ImageEncoding.JPEG)
                    .setData(ByteBuffer.wrap(bytes))
                    .build())
            .setAttributes(Map.of())
            .build();
    return Outcome.accepted(record);
  }
}
