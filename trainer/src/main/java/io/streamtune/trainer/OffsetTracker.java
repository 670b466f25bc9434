package io.streamtune.trainer;

import io.streamtune.schemas.avro.OffsetRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets consumed per topic-partition since the last model version, as half-open ranges [from,
 * until). A drained range ends where the next one begins, so the ranges of successive versions tile
 * each partition without gaps or overlaps.
 *
 * <p>A range covers every offset between its ends, including records skipped on purpose
 * (dead-lettered, filtered) and offsets Kafka never returns (transaction markers, aborted records),
 * so {@code until} of the last range is exactly where a restart resumes.
 */
public final class OffsetTracker {

  private static final class Cursor {
    long from;
    long until;

    Cursor(long start) {
      from = start;
      until = start;
    }
  }

  private final Map<TopicPartition, Cursor> cursors = new HashMap<>();

  /**
   * Where consumption of a partition starts (its committed position), if known before its first
   * record; otherwise the first record's offset starts the range.
   */
  public void startAt(TopicPartition partition, long offset) {
    Cursor cursor = cursors.get(partition);
    if (cursor == null) {
      cursors.put(partition, new Cursor(offset));
    } else if (cursor.until == cursor.from) {
      // Nothing consumed since the last drain: a seek (e.g. after a rebalance) moves the start.
      cursor.from = offset;
      cursor.until = offset;
    } else if (offset != cursor.until) {
      throw new IllegalStateException(
          partition
              + ": cannot restart at "
              + offset
              + " while ["
              + cursor.from
              + ", "
              + cursor.until
              + ") is consumed but not drained");
    }
  }

  /**
   * Marks one record as consumed.
   *
   * @throws IllegalStateException when the offset lies before the end of the range (it would be
   *     counted twice)
   */
  public void consumed(TopicPartition partition, long offset) {
    Cursor cursor = cursors.computeIfAbsent(partition, p -> new Cursor(offset));
    if (offset < cursor.until) {
      throw new IllegalStateException(
          partition
              + ": offset "
              + offset
              + " was already consumed (range ends at "
              + cursor.until
              + ")");
    }
    cursor.until = offset + 1;
  }

  /** Offset the next range of a partition will start at, if the partition was seen. */
  public Optional<Long> position(TopicPartition partition) {
    Cursor cursor = cursors.get(partition);
    return cursor == null ? Optional.empty() : Optional.of(cursor.until);
  }

  /** Whether any partition has consumed offsets not yet drained. */
  public boolean hasPending() {
    return cursors.values().stream().anyMatch(c -> c.until > c.from);
  }

  /**
   * The ranges consumed since the previous drain (partitions with nothing new are left out), sorted
   * by topic and partition; the next ranges start at these {@code until} offsets.
   */
  public List<OffsetRange> drainRanges() {
    List<OffsetRange> ranges = new ArrayList<>();
    cursors.forEach(
        (partition, cursor) -> {
          if (cursor.until > cursor.from) {
            ranges.add(
                OffsetRange.newBuilder()
                    .setTopic(partition.topic())
                    .setPartition(partition.partition())
                    .setFromOffset(cursor.from)
                    .setUntilOffset(cursor.until)
                    .build());
            cursor.from = cursor.until;
          }
        });
    ranges.sort(
        Comparator.comparing(OffsetRange::getTopic).thenComparingInt(OffsetRange::getPartition));
    return ranges;
  }
}
