package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A layout rule of the whole repository, checked where every module is in reach: no main source
 * file grows past {@value #MAX_LINES} lines. A class that long is doing several jobs; split it by
 * responsibility (docs/architecture.md says where each one lives).
 */
class MainSourceSizeTest {

  private static final int MAX_LINES = 600;

  @Test
  void noMainSourceFileIsLongerThanTheLimit() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("pom.xml")).exists();
    List<Path> sources;
    try (Stream<Path> modules = Files.list(root)) {
      sources =
          modules
              .map(module -> module.resolve("src/main/java"))
              .filter(Files::isDirectory)
              .flatMap(MainSourceSizeTest::javaFiles)
              .toList();
    }
    assertThat(sources).as("main sources found under %s", root).hasSizeGreaterThan(100);
    List<String> tooLong =
        sources.stream()
            .filter(file -> lines(file) > MAX_LINES)
            .map(file -> root.relativize(file) + " (" + lines(file) + " lines)")
            .toList();
    assertThat(tooLong).as("main source files over %d lines", MAX_LINES).isEmpty();
  }

  private static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(f -> f.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
