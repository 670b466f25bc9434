package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.schemas.avro.OffsetRange;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private static final TopicPartition P0 = new TopicPartition("examples.train", 0);
  private static final TopicPartition P1 = new TopicPartition("examples.train", 1);

  private static OffsetRange range(int partition, long from, long until) {
    return new OffsetRange("examples.train", partition, from, until);
  }

  @Test
  void successiveDrainsTileEachPartitionWithoutGapsOrOverlaps() {
    OffsetTracker tracker = new OffsetTracker();
    tracker.startAt(P0, 0);
    tracker.startAt(P1, 40);
    for (long offset = 0; offset < 5; offset++) {
      tracker.consumed(P0, offset);
    }
    tracker.consumed(P1, 40);

    assertThat(tracker.drainRanges()).containsExactly(range(0, 0, 5), range(1, 40, 41));
    assertThat(tracker.hasPending()).isFalse();
    assertThat(tracker.drainRanges()).isEmpty();

    // Offsets 5 and 6 are a transaction marker and an aborted record Kafka never returns.
    tracker.consumed(P0, 7);
    tracker.consumed(P0, 8);
    assertThat(tracker.hasPending()).isTrue();
    assertThat(tracker.drainRanges()).containsExactly(range(0, 5, 9));
    assertThat(tracker.position(P0)).contains(9L);
    assertThat(tracker.position(P1)).contains(41L);
  }

  @Test
  void withoutAKnownStartTheFirstRecordStartsTheRange() {
    OffsetTracker tracker = new OffsetTracker();
    tracker.consumed(P1, 12);
    tracker.consumed(P1, 13);

    assertThat(tracker.drainRanges()).containsExactly(range(1, 12, 14));
  }

  @Test
  void rangesSumToTheOffsetsConsumed() {
    OffsetTracker tracker = new OffsetTracker();
    tracker.startAt(P0, 0);
    tracker.startAt(P1, 0);
    long total = 0;
    List<OffsetRange> all = new java.util.ArrayList<>();
    long[] next = new long[2];
    for (int i = 0; i < 300; i++) {
      int partition = i % 3 == 0 ? 1 : 0;
      tracker.consumed(partition == 1 ? P1 : P0, next[partition]++);
      if (i % 97 == 0) {
        all.addAll(tracker.drainRanges());
      }
    }
    all.addAll(tracker.drainRanges());
    for (OffsetRange r : all) {
      total += r.getUntilOffset() - r.getFromOffset();
    }
    assertThat(total).isEqualTo(300);
  }

  @Test
  void consumingAnOffsetTwiceIsAnError() {
    OffsetTracker tracker = new OffsetTracker();
    tracker.consumed(P0, 3);
    tracker.drainRanges();

    assertThatThrownBy(() -> tracker.consumed(P0, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("offset 3 was already consumed");
  }

  @Test
  void aSeekMovesTheStartOnlyWhenNothingIsPending() {
    OffsetTracker tracker = new OffsetTracker();
    tracker.startAt(P0, 10);
    tracker.startAt(P0, 20);
    tracker.consumed(P0, 20);

    assertThatThrownBy(() -> tracker.startAt(P0, 30)).isInstanceOf(IllegalStateException.class);
    tracker.startAt(P0, 21); // the same position is fine (re-assignment of the same partition)
    assertThat(tracker.drainRanges()).containsExactly(range(0, 20, 21));
  }
}
