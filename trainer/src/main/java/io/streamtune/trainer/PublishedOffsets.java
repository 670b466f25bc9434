package io.streamtune.trainer;

import io.streamtune.schemas.avro.OffsetRange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The offset ranges a stored version consumed, kept beside it, and whether its transaction
 * committed.
 *
 * <p>A version is saved to the store before its Kafka transaction (ModelVersion + offsets) commits.
 * A crash in between left a stored version whose offsets Kafka gives again: the restarted trainer
 * resumed from its buffer and buffered and counted those examples twice. At start, a stored version
 * whose ranges the consumer group has not committed is therefore set aside.
 */
final class PublishedOffsets {

  static final String FILE = "offsets.tsv";

  private PublishedOffsets() {}

  /** One line per range: topic, partition, from, until (tab-separated). */
  static void write(List<OffsetRange> ranges, OutputStream out) throws IOException {
    StringBuilder text = new StringBuilder("# topic\tpartition\tfromOffset\tuntilOffset\n");
    for (OffsetRange range : ranges) {
      text.append(range.getTopic())
          .append('\t')
          .append(range.getPartition())
          .append('\t')
          .append(range.getFromOffset())
          .append('\t')
          .append(range.getUntilOffset())
          .append('\n');
    }
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The ranges stored with a version; empty when it predates this file. */
  static Optional<List<OffsetRange>> read(Path versionDir) throws IOException {
    Path file = versionDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<OffsetRange> ranges = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("\t");
      if (cells.length != 4) {
        throw new IOException("bad line in " + file + ": " + line);
      }
      try {
        ranges.add(
            new OffsetRange(
                cells[0],
                Integer.parseInt(cells[1]),
                Long.parseLong(cells[2]),
                Long.parseLong(cells[3])));
      } catch (NumberFormatException e) {
        throw new IOException("bad line in " + file + ": " + line, e);
      }
    }
    return Optional.of(ranges);
  }

  /**
   * Whether the group committed every range's end: the version's transaction went through. A
   * version without ranges (a round asked for on the control topic with nothing new) cannot be told
   * apart and counts as published: setting a published version aside would reuse its number.
   *
   * @param committed the group's committed offsets; a partition without one is absent
   */
  static boolean committed(List<OffsetRange> ranges, Map<TopicPartition, Long> committed) {
    for (OffsetRange range : ranges) {
      Long offset = committed.get(new TopicPartition(range.getTopic(), range.getPartition()));
      if (offset == null || offset < range.getUntilOffset()) {
        return false;
      }
    }
    return true;
  }
}
