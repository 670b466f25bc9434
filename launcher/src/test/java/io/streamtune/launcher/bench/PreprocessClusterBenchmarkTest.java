package io.streamtune.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster benchmark's own logic: where subtasks ran, and CPU seconds from /proc. */
class PreprocessClusterBenchmarkTest {

  @Test
  void placementsNameEachVertexsTaskManagersAndFlagSubtasksThatShareOne() {
    Map<String, List<String>> placements = new LinkedHashMap<>();
    placements.put("Source: raw source -> decode", List.of("taskmanager-1", "taskmanager-2"));
    placements.put("fit and transform", List.of("taskmanager-2"));
    placements.put("examples sink", List.of("taskmanager-1", "taskmanager-1"));

    assertThat(PreprocessClusterBenchmark.placementLine(placements))
        .isEqualTo(
            "Source: raw source -> decode [taskmanager-1, taskmanager-2];"
                + " fit and transform [taskmanager-2];"
                + " examples sink [taskmanager-1, taskmanager-1]");
    assertThat(PreprocessClusterBenchmark.notSpread(placements)).containsExactly("examples sink");
    assertThat(PreprocessClusterBenchmark.placementLine(Map.of()))
        .isEqualTo("(the REST API named none)");
  }

  @Test
  void cpuSecondsAreUserPlusSystemTicksCountedAfterTheCommandName() {
    // a command name with a space and a ')' of its own; utime 250, stime 50 ticks
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 40 0 100"
            + " 4000000000 50000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    assertThat(ProcessCpu.parse(stat, 100)).isEqualTo(3.0);
    assertThat(ProcessCpu.parse(stat, 1000)).isEqualTo(0.3);
    assertThatThrownBy(() -> ProcessCpu.parse("4242 java S", 100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thisJvmsCpuSecondsAgreeWithTheJvmsOwnCount() {
    long pid = ProcessHandle.current().pid();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(Path.of("/proc", String.valueOf(pid), "stat")), "Linux /proc only");
    var jvm =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double before = ProcessCpu.seconds(pid);
    double sink = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (ProcessCpu.seconds(pid) < before + 0.2 && System.nanoTime() < deadline) {
      for (int i = 0; i < 100_000; i++) {
        sink += Math.sqrt(sink + i);
      }
    }
    double fromProc = ProcessCpu.seconds(pid);
    double fromJvm = jvm.getProcessCpuTime() / 1e9;

    assertThat(sink).isPositive();
    assertThat(fromProc).isGreaterThanOrEqualTo(before + 0.2);
    // the kernel's ticks (10 ms) against the JVM's nanoseconds, read a moment apart
    assertThat(fromProc).isCloseTo(fromJvm, org.assertj.core.data.Offset.offset(0.25));
    assertThat(ProcessCpu.seconds(Long.MAX_VALUE)).isEqualTo(-1);
  }
}
