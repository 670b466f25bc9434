package io.streamtune.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU seconds of this JVM's threads between two points, grouped by thread name with numbers and
 * subtask suffixes taken out ("kafka-producer-network-thread | producer-7" and "-8" count
 * together): where a run's CPU went, read before the job's threads end. GC and JIT compiler threads
 * are not Java-visible threads; they are the rest of the process's CPU.
 */
final class ThreadCpu {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final Map<Long, Long> startNanos;
  private final Map<Long, Long> startBytes;
  private final long processStartNanos;

  private ThreadCpu(
      Map<Long, Long> startNanos, Map<Long, Long> startBytes, long processStartNanos) {
    this.startNanos = startNanos;
    this.startBytes = startBytes;
    this.processStartNanos = processStartNanos;
  }

  /** The CPU time of every live thread now. */
  static ThreadCpu start() {
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, Long> bytes = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long cpu = THREADS.getThreadCpuTime(id);
      if (cpu >= 0) {
        nanos.put(id, cpu);
      }
      bytes.put(id, THREADS.getThreadAllocatedBytes(id));
    }
    return new ThreadCpu(nanos, bytes, PROCESS.getProcessCpuTime());
  }

  /**
   * CPU seconds per thread group since {@link #start}, largest first, with "GC, JIT and ended
   * threads" for what the process used beyond the live Java threads.
   */
  Map<String, Double> sinceStart() {
    Map<String, Double> seconds = byGroup(startNanos, THREADS::getThreadCpuTime, 1e9);
    double threadsTotal = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    double process = (PROCESS.getProcessCpuTime() - processStartNanos) / 1e9;
    seconds.merge("GC, JIT and ended threads", Math.max(0, process - threadsTotal), Double::sum);
    return sorted(seconds);
  }

  /**
   * MiB allocated on the heap per thread group since {@link #start} (live threads), largest first:
   * what the collector has to clear.
   */
  Map<String, Double> allocatedMiB() {
    return sorted(byGroup(startBytes, THREADS::getThreadAllocatedBytes, 1048576.0));
  }

  /**
   * For each live thread, {@code reading} now less its reading at the start (0 for a thread started
   * since), in {@code unit}s, summed by {@link #group}; threads whose reading is unsupported (-1)
   * are left out.
   */
  private static Map<String, Double> byGroup(
      Map<Long, Long> atStart, java.util.function.LongUnaryOperator reading, double unit) {
    Map<String, Double> totals = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = reading.applyAsLong(info.getThreadId());
      if (now < 0) {
        continue;
      }
      double used = (now - atStart.getOrDefault(info.getThreadId(), 0L)) / unit;
      totals.merge(group(info.getThreadName()), used, Double::sum);
    }
    return totals;
  }

  private static Map<String, Double> sorted(Map<String, Double> values) {
    return values.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  /** The groups at or above {@code floor}, as "name 1.23 unit; ..." on one line. */
  static String line(Map<String, Double> values, double floor, String unit) {
    return values.entrySet().stream()
        .filter(entry -> entry.getValue() >= floor)
        .map(entry -> String.format("%s %.2f %s", entry.getKey(), entry.getValue(), unit))
        .collect(Collectors.joining("; "));
  }

  static String group(String threadName) {
    String name = threadName.replaceAll("\\(\\d+/\\d+\\)(#\\d+)?", "").replaceAll("\\d+", "#");
    return name.length() > 60 ? name.substring(0, 57) + "..." : name.trim();
  }
}
