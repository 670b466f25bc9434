package io.streamtune.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds a process has used (user + system), read from Linux's {@code /proc/<pid>/stat}. */
final class ProcessCpu {

  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private ProcessCpu() {}

  /** The process's CPU seconds so far, or -1 when it is gone (or this is not Linux). */
  static double seconds(long pid) {
    try {
      return parse(
          Files.readString(Path.of("/proc", String.valueOf(pid), "stat")), TICKS_PER_SECOND);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * utime + stime (fields 14 and 15) of a {@code stat} line in seconds. The command name (field 2,
   * in parentheses) may hold spaces and parentheses itself, so fields are counted after its last
   * ')'.
   */
  static double parse(String stat, long ticksPerSecond) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    // after the name: field 3 (state) is index 0
    String[] fields = stat.substring(end + 1).trim().split("\\s+");
    long utime = Long.parseLong(fields[14 - 3]);
    long stime = Long.parseLong(fields[15 - 3]);
    return (utime + stime) / (double) ticksPerSecond;
  }

  /** {@code getconf CLK_TCK}: the unit of those fields (100 on every common Linux). */
  private static long ticksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
