package io.streamtune.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MallocSettingsTest {

  @Test
  void warnsOnLinuxWithoutBothThresholds() {
    assertThat(MallocSettings.warning(Map.of(), "Linux")).get().asString().contains("3-4x");
    assertThat(MallocSettings.warning(Map.of("MALLOC_TRIM_THRESHOLD_", "1"), "Linux"))
        .get()
        .asString()
        .contains("only one of the two");
    assertThat(
            MallocSettings.warning(
                Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=33554432"), "Linux"))
        .get()
        .asString()
        .contains("only one of the two");
  }

  @Test
  void warnsAboutTheTopPadWhenOnlyTheThresholdsAreSet() {
    assertThat(
            MallocSettings.warning(
                Map.of(
                    "MALLOC_MMAP_THRESHOLD_",
                    MallocSettings.MMAP_THRESHOLD,
                    "MALLOC_TRIM_THRESHOLD_",
                    MallocSettings.TRIM_THRESHOLD),
                "Linux"))
        .get()
        .asString()
        .contains("top pad is not set")
        .contains("MALLOC_TOP_PAD_=134217728");
  }

  @Test
  void quietWhenAllAreSetEitherWayOrNotOnLinux() {
    assertThat(
            MallocSettings.warning(
                Map.of(
                    "MALLOC_MMAP_THRESHOLD_",
                    MallocSettings.MMAP_THRESHOLD,
                    "MALLOC_TRIM_THRESHOLD_",
                    MallocSettings.TRIM_THRESHOLD,
                    "MALLOC_TOP_PAD_",
                    MallocSettings.TOP_PAD),
                "Linux"))
        .isEmpty();
    assertThat(
            MallocSettings.warning(
                Map.of(
                    "GLIBC_TUNABLES",
                    "glibc.malloc.trim_threshold=4294967296:glibc.malloc.mmap_threshold=33554432"
                        + ":glibc.malloc.top_pad=134217728"),
                "Linux"))
        .isEmpty();
    assertThat(
            MallocSettings.warning(
                Map.of(
                    "GLIBC_TUNABLES",
                    "glibc.malloc.trim_threshold=1",
                    "MALLOC_MMAP_THRESHOLD_",
                    "1",
                    "MALLOC_TOP_PAD_",
                    "1"),
                "Linux"))
        .isEmpty();
    assertThat(MallocSettings.warning(Map.of(), "Mac OS X")).isEmpty();
  }
}
