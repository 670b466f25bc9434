package io.streamtune.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The embedded broker's data directory of one benchmark JVM: gigabytes per run of a million
 * records, so it is deleted when the benchmark ends, however it ends.
 */
final class BrokerData implements AutoCloseable {

  private final Path directory;

  private BrokerData(Path directory) {
    this.directory = directory;
  }

  static BrokerData create() throws IOException {
    return new BrokerData(Files.createTempDirectory("streamtune-bench"));
  }

  Path directory() {
    return directory;
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(directory)) {
      // children before their directories
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the benchmark's broker data " + directory, e);
    }
  }
}
