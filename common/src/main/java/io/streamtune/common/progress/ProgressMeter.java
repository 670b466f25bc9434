package io.streamtune.common.progress;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Prints a progress line at most once per interval: count, percentage, rate and ETA, e.g. {@code
 * ingest [#######.............] 1,200/4,454 (27%) 600/s ETA 5s}.
 */
public final class ProgressMeter {

  private static final int BAR_WIDTH = 20;

  private final String label;
  private final long total;
  private final long intervalNanos;
  private final Consumer<String> out;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private long lastPrintNanos;

  public ProgressMeter(
      String label, long total, Duration interval, Consumer<String> out, LongSupplier nanoClock) {
    this.label = label;
    this.total = total;
    this.intervalNanos = interval.toNanos();
    this.out = out;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.lastPrintNanos = startNanos;
  }

  public static ProgressMeter toStdout(String label, long total) {
    return new ProgressMeter(
        label, total, Duration.ofSeconds(1), System.out::println, System::nanoTime);
  }

  public void update(long done) {
    long now = nanoClock.getAsLong();
    if (now - lastPrintNanos >= intervalNanos) {
      lastPrintNanos = now;
      out.accept(line(done, now));
    }
  }

  public void finish(long done) {
    out.accept(line(done, nanoClock.getAsLong()));
  }

  String line(long done, long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double rate = done / seconds;
    StringBuilder line = new StringBuilder(label).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / total);
      line.append('[')
          .append("#".repeat(filled))
          .append(".".repeat(BAR_WIDTH - filled))
          .append("] ");
      line.append(String.format(Locale.ROOT, "%,d/%,d (%d%%)", done, total, 100 * done / total));
    } else {
      line.append(String.format(Locale.ROOT, "%,d", done));
    }
    // slow jobs (epochs, rounds) need decimals to show a rate at all
    line.append(String.format(Locale.ROOT, rate < 10 ? " %.2f/s" : " %,.0f/s", rate));
    if (total > 0 && done < total && rate > 0) {
      line.append(" ETA ").append(formatSeconds((total - done) / rate));
    } else if (total > 0 && done >= total) {
      line.append(" done in ").append(formatSeconds(seconds));
    }
    return line.toString();
  }

  private static String formatSeconds(double seconds) {
    long s = Math.round(seconds);
    return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }
}
