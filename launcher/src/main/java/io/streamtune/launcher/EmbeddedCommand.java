package io.streamtune.launcher;

import io.streamtune.embedded.EmbeddedStack;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "embedded",
    mixinStandardHelpOptions = true,
    description =
        "Run only the in-process Kafka broker and schema registry (all topics created) until Ctrl-C.")
final class EmbeddedCommand implements Callable<Integer> {

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port (default: ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Registry port (default: ${DEFAULT-VALUE})")
  int registryPort;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      description = "Partitions per topic (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--topic-prefix",
      defaultValue = Topics.DEFAULT_PREFIX,
      description = "Topic prefix (default: ${DEFAULT-VALUE})")
  String topicPrefix;

  @Option(
      names = "--registry-token",
      defaultValue = "${env:STREAMTUNE_REGISTRY_TOKEN}",
      description =
          "Require this access token on every registry request: Bearer, or Basic with it as the"
              + " password (env STREAMTUNE_REGISTRY_TOKEN; default: none, loopback only)")
  String registryToken;

  @Option(
      names = "--data-dir",
      description = "Broker data directory (default: a temporary directory)")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("streamtune-embedded-");
    CountDownLatch stop = new CountDownLatch(1);
    try (EmbeddedStack stack =
        EmbeddedStack.start(
            dir, new Topics(topicPrefix), partitions, kafkaPort, registryPort, registryToken)) {
      System.out.printf(
          "kafka %s | schema registry %s%s | data %s | Ctrl-C to stop%n",
          stack.bootstrapServers(),
          stack.schemaRegistryUrl(),
          registryToken == null || registryToken.isBlank() ? "" : " (access token required)",
          dir);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
