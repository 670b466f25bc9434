package io.streamtune.preprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the checkpoint a restarted job resumes from: Flink retains completed checkpoints as {@code
 * <dir>/<job id>/chk-<n>/_metadata}; the newest complete one wins (a checkpoint without {@code
 * _metadata} was cut off while being written).
 */
final class RetainedCheckpoints {

  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

  private RetainedCheckpoints() {}

  /** The directory a {@code preprocess.checkpoint.dir} value names (a path or a file: URI). */
  static Path directory(String setting) {
    return setting.startsWith("file:") ? Path.of(URI.create(setting)) : Path.of(setting);
  }

  /** The URI Flink takes for a path (it wants a scheme to tell file systems apart). */
  static String uri(Path directory) {
    return directory.toAbsolutePath().normalize().toUri().toString();
  }

  /** The newest complete checkpoint under {@code directory}, if any. */
  static Optional<Path> latest(Path directory) {
    if (!Files.isDirectory(directory)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.find(directory, 3, (path, attributes) -> isMetadata(path))) {
      return files
          .map(Path::getParent)
          .max(
              Comparator.comparing(RetainedCheckpoints::modified)
                  .thenComparingLong(RetainedCheckpoints::number));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + directory, e);
    }
  }

  private static boolean isMetadata(Path path) {
    Path parent = path.getParent();
    return path.getFileName().toString().equals("_metadata")
        && parent != null
        && CHECKPOINT.matcher(parent.getFileName().toString()).matches();
  }

  private static java.nio.file.attribute.FileTime modified(Path checkpoint) {
    try {
      return Files.getLastModifiedTime(checkpoint.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long number(Path checkpoint) {
    Matcher matcher = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }
}
