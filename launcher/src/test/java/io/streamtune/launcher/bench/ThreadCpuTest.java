package io.streamtune.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void threadsOfOneKindShareAGroup() {
    assertThat(ThreadCpu.group("kafka-producer-network-thread | producer-17"))
        .isEqualTo("kafka-producer-network-thread | producer-#");
    assertThat(ThreadCpu.group("fit and transform (1/1)#0")).isEqualTo("fit and transform");
    assertThat(ThreadCpu.group("Source: raw source (2/2)#3")).isEqualTo("Source: raw source");
    assertThat(ThreadCpu.group("x".repeat(80))).hasSize(60).endsWith("...");
  }

  @Test
  void aThreadStartedAfterTheStartCountsItsCpuAndItsAllocations() throws Exception {
    ThreadCpu threads = ThreadCpu.start();
    long[] sink = new long[1];
    Thread busy =
        new Thread(
            () -> {
              long until = System.nanoTime() + 200_000_000L;
              while (System.nanoTime() < until) {
                sink[0] += new byte[1024].length;
              }
            },
            "busy-worker-42");
    busy.start();
    // read while it still runs: a thread that ended is no longer listed
    Thread.sleep(150);
    Map<String, Double> cpu = threads.sinceStart();
    Map<String, Double> allocated = threads.allocatedMiB();
    busy.join();

    assertThat(cpu).containsKey("busy-worker-#").containsKey("GC, JIT and ended threads");
    assertThat(cpu.get("busy-worker-#")).isGreaterThan(0.01);
    assertThat(allocated.get("busy-worker-#")).isGreaterThan(1.0);
    assertThat(new java.util.ArrayList<>(cpu.values()))
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void aLineListsTheGroupsAboveTheFloor() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("steps", 3.456);
    values.put("fits", 1.2);
    values.put("idle", 0.01);

    assertThat(ThreadCpu.line(values, 0.05, "s")).isEqualTo("steps 3.46 s; fits 1.20 s");
  }
}
