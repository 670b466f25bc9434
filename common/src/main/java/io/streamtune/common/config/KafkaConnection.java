package io.streamtune.common.config;

import io.streamtune.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where a service finds Kafka and the schema registry, which topic names it uses, and the client
 * settings of the pass-through ({@link ClientSettings}: SASL, TLS, registry authentication). Every
 * Kafka client a service creates starts from {@link #clientProperties()}; every Avro serde from
 * {@link #registrySettings()}.
 *
 * @param kafkaSettings Kafka client properties by name ({@code sasl.mechanism} …)
 * @param registrySettings schema-registry client settings by name ({@code basic.auth.user.info} …)
 */
public record KafkaConnection(
    String bootstrapServers,
    String schemaRegistryUrl,
    Topics topics,
    Map<String, String> kafkaSettings,
    Map<String, String> registrySettings) {

  public KafkaConnection {
    kafkaSettings = Map.copyOf(kafkaSettings);
    registrySettings = Map.copyOf(registrySettings);
  }

  /** Without client settings: plaintext Kafka, a registry without authentication. */
  public KafkaConnection(String bootstrapServers, String schemaRegistryUrl, Topics topics) {
    this(bootstrapServers, schemaRegistryUrl, topics, Map.of(), Map.of());
  }

  /**
   * Reads the declared keys and the pass-through ({@code kafka.*}, {@code schema.registry.*}).
   *
   * @throws ConfigException for a pass-through name that matches no client setting
   */
  public static KafkaConnection from(ConfigSource source) {
    ClientSettings.Resolved settings = source.passThrough(CommonKeys.ALL);
    return new KafkaConnection(
        source.get(CommonKeys.BOOTSTRAP_SERVERS),
        source.get(CommonKeys.SCHEMA_REGISTRY_URL),
        new Topics(source.get(CommonKeys.TOPIC_PREFIX)),
        settings.kafka(),
        settings.registry());
  }

  /**
   * The properties every Kafka client of a service starts from: the bootstrap servers and the
   * pass-through's settings. The caller adds its own (group, serializers, transactions) after, so
   * those win over the pass-through.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(kafkaSettings);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  /** Secrets (passwords, JAAS config, user info, tokens) read {@code [hidden]}. */
  @Override
  public String toString() {
    return "KafkaConnection[bootstrapServers="
        + bootstrapServers
        + ", schemaRegistryUrl="
        + schemaRegistryUrl
        + ", topics="
        + topics
        + ", kafkaSettings="
        + ClientSettings.masked(kafkaSettings)
        + ", registrySettings="
        + ClientSettings.masked(registrySettings)
        + "]";
  }
}
