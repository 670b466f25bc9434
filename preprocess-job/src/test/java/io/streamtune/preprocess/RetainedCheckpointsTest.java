package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainedCheckpointsTest {

  private static Path checkpoint(Path dir, String job, int n, Instant written) throws Exception {
    Path checkpoint = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
    Path metadata = Files.writeString(checkpoint.resolve("_metadata"), "m");
    Files.setLastModifiedTime(metadata, FileTime.from(written));
    return checkpoint;
  }

  @Test
  void theNewestCompleteCheckpointOfAnyEarlierRunWins(@TempDir Path dir) throws Exception {
    Instant t = Instant.parse("2026-12-06T10:00:00Z");
    checkpoint(dir, "job-a", 7, t);
    Path newest = checkpoint(dir, "job-b", 2, t.plusSeconds(60));
    // cut off while being written: no _metadata
    Files.createDirectories(dir.resolve("job-b").resolve("chk-3"));
    Files.createDirectories(dir.resolve("job-b").resolve("shared"));

    assertThat(RetainedCheckpoints.latest(dir)).contains(newest);
  }

  @Test
  void nothingRetainedYetMeansAFreshStart(@TempDir Path dir) {
    assertThat(RetainedCheckpoints.latest(dir)).isEmpty();
    assertThat(RetainedCheckpoints.latest(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void aSettingIsAPathOrAFileUri(@TempDir Path dir) {
    assertThat(RetainedCheckpoints.directory(dir.toString())).isEqualTo(dir);
    assertThat(RetainedCheckpoints.directory(dir.toUri().toString())).isEqualTo(dir);
    assertThat(RetainedCheckpoints.uri(dir)).startsWith("file:/");
  }
}
