package io.streamtune.launcher.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One process of the chaos cluster, under a name (e.g. {@code broker-2}): started from its command
 * line, killed with SIGKILL and started again with the same command, each incarnation logging to
 * its own file.
 */
public final class ChaosProcess {

  private final String name;
  private final ChaosKind kind;
  private final Supplier<List<String>> command;
  private final Path logDir;
  private Process process;
  private int incarnation;

  public ChaosProcess(String name, ChaosKind kind, Supplier<List<String>> command, Path logDir) {
    this.name = name;
    this.kind = kind;
    this.command = command;
    this.logDir = logDir;
  }

  public String name() {
    return name;
  }

  public ChaosKind kind() {
    return kind;
  }

  public synchronized void start() throws IOException {
    incarnation++;
    process =
        new ProcessBuilder(command.get())
            .redirectErrorStream(true)
            .redirectOutput(log().toFile())
            .start();
  }

  /** SIGKILL, and waits until the process is gone. */
  public synchronized void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM, then SIGKILL after a few seconds. */
  public synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(8, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The operating system's id of this incarnation (-1 before the first start). */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  synchronized Path log() {
    return logDir.resolve(name + "-" + incarnation + ".log");
  }

  /**
   * Waits until this incarnation's log holds {@code line}; returns {@code System.nanoTime()} when
   * it was seen.
   */
  public long awaitLine(String line, long timeoutSeconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    Path log = log();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
        return System.nanoTime();
      }
      if (!isAlive()) {
        throw new IllegalStateException(name + " exited before '" + line + "':\n" + tail());
      }
      Thread.sleep(25);
    }
    throw new IllegalStateException(
        name + ": no '" + line + "' within " + timeoutSeconds + " s:\n" + tail());
  }

  public String tail() throws IOException {
    Path log = log();
    String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    return text.substring(Math.max(0, text.length() - 3_000));
  }
}
