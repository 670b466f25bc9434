package io.streamtune.embedded;

import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class one {@link EmbeddedStack}: broker, schema registry, and
 * every topic of {@link Topics#withDefaultPrefix()} with {@value #PARTITIONS} partitions. Register
 * it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
 * }</pre>
 *
 * The stack starts before the class's first test and is closed, with its data, after the last.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

  public static final int PARTITIONS = 2;

  private EmbeddedStack stack;
  private Path dataDir;
  // @Nested classes call beforeAll/afterAll again; only the outermost pair starts and stops.
  private int depth;

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws IOException {
    if (depth++ > 0) {
      return;
    }
    dataDir = Files.createTempDirectory("streamtune-embedded-");
    try {
      stack = EmbeddedStack.start(dataDir, Topics.withDefaultPrefix(), PARTITIONS, 0, 0);
    } catch (RuntimeException e) {
      depth = 0;
      deleteRecursively(dataDir);
      throw e;
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--depth > 0 || stack == null) {
      return;
    }
    try {
      stack.close();
    } finally {
      stack = null;
      deleteRecursively(dataDir);
    }
  }

  public String bootstrapServers() {
    return running().bootstrapServers();
  }

  public String schemaRegistryUrl() {
    return running().schemaRegistryUrl();
  }

  /** The default-prefix topics, all created. */
  public Topics topics() {
    return running().topics();
  }

  /** Creates extra topics with {@value #PARTITIONS} partitions; existing ones are fine. */
  public void createTopics(String... names) {
    running().broker().createTopics(List.of(names), PARTITIONS, running().topics()::configsOf);
  }

  private synchronized EmbeddedStack running() {
    if (stack == null) {
      throw new IllegalStateException(
          "the embedded Kafka stack is not running: register EmbeddedKafkaExtension as a static"
              + " @RegisterExtension field and use it from tests");
    }
    return stack;
  }

  private static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
