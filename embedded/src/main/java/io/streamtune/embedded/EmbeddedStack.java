package io.streamtune.embedded;

import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local default's infrastructure in this JVM: a Kafka broker, a schema registry, and every
 * topic of a {@link Topics} created.
 */
public final class EmbeddedStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  public static final int DEFAULT_PARTITIONS = 2;

  private final EmbeddedKafkaBroker broker;
  private final EmbeddedSchemaRegistry registry;
  private final Topics topics;

  private EmbeddedStack(
      EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Topics topics) {
    this.broker = broker;
    this.registry = registry;
    this.topics = topics;
  }

  /** Free ports, {@value #DEFAULT_PARTITIONS} partitions per topic. */
  public static EmbeddedStack start(Path dataDir, Topics topics) {
    return start(dataDir, topics, DEFAULT_PARTITIONS, 0, 0);
  }

  /**
   * Starts the broker (data under {@code dataDir}), creates all topics of {@code topics} with
   * {@code partitions} partitions, and starts the registry.
   *
   * @param kafkaPort the broker's client port, 0 for a free one
   * @param registryPort the registry's HTTP port, 0 for a free one
   */
  public static EmbeddedStack start(
      Path dataDir, Topics topics, int partitions, int kafkaPort, int registryPort) {
    return start(dataDir, topics, partitions, kafkaPort, registryPort, null);
  }

  /**
   * As {@link #start(Path, Topics, int, int, int)}, with the registry requiring {@code
   * registryToken} (Bearer, or Basic with it as the password) on every request; null or blank for
   * none.
   */
  public static EmbeddedStack start(
      Path dataDir,
      Topics topics,
      int partitions,
      int kafkaPort,
      int registryPort,
      String registryToken) {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, kafkaPort);
    try {
      broker.createTopics(topics.allNames(), partitions, topics::configsOf);
      EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(
              broker.bootstrapServers(),
              registryPort,
              EmbeddedSchemaRegistry.DEFAULT_STORAGE_TOPIC,
              registryToken,
              EmbeddedSchemaRegistry.DEFAULT_MAX_REQUEST_BYTES);
      LOG.info(
          "Embedded stack up: Kafka bootstrap {}, schema registry {}, {} topics with prefix '{}' ({} partitions each)",
          broker.bootstrapServers(),
          registry.url(),
          topics.allNames().size(),
          topics.prefix(),
          partitions);
      return new EmbeddedStack(broker, registry, topics);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String schemaRegistryUrl() {
    return registry.url();
  }

  public Topics topics() {
    return topics;
  }

  /** The broker, e.g. to create more topics. */
  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  /** Stops the registry, then the broker. */
  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      broker.close();
    }
  }
}
