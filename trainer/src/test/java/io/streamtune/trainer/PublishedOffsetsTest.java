package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.OffsetRange;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishedOffsetsTest {

  private static final List<OffsetRange> RANGES =
      List.of(new OffsetRange("t", 0, 0L, 40L), new OffsetRange("t", 1, 10L, 25L));

  @Test
  void rangesRoundTripThroughTheVersionDirectory(@TempDir Path dir) throws Exception {
    try (OutputStream out = Files.newOutputStream(dir.resolve(PublishedOffsets.FILE))) {
      PublishedOffsets.write(RANGES, out);
    }
    assertThat(PublishedOffsets.read(dir)).contains(RANGES);
    assertThat(PublishedOffsets.read(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void aVersionCountsAsPublishedOnlyWhenTheGroupCommittedEveryRangesEnd() {
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);
    assertThat(PublishedOffsets.committed(RANGES, Map.of(p0, 40L, p1, 25L))).isTrue();
    // later versions moved the offsets on: still published
    assertThat(PublishedOffsets.committed(RANGES, Map.of(p0, 90L, p1, 30L))).isTrue();
    // the crash came before the commit: the group is still at the previous version's offsets
    assertThat(PublishedOffsets.committed(RANGES, Map.of(p0, 0L, p1, 10L))).isFalse();
    assertThat(PublishedOffsets.committed(RANGES, Map.of(p0, 40L))).isFalse();
    assertThat(PublishedOffsets.committed(List.of(), Map.of())).isTrue();
  }
}
