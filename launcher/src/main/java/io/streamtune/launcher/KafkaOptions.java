package io.streamtune.launcher;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigSource;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Kafka and the schema registry are. Options win over {@code STREAMTUNE_*} environment
 * variables, which win over defaults.
 */
final class KafkaOptions {

  @Option(
      names = "--bootstrap-servers",
      description =
          "Kafka bootstrap servers (env STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS; default localhost:9092)")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      description =
          "Schema registry URL (env STREAMTUNE_SCHEMA_REGISTRY_URL; default http://localhost:8081)")
  String schemaRegistryUrl;

  @Option(
      names = "--topic-prefix",
      description = "Prefix of every topic (env STREAMTUNE_TOPIC_PREFIX; default streamtune.)")
  String topicPrefix;

  Map<String, String> overrides() {
    Map<String, String> overrides = new HashMap<>();
    if (bootstrapServers != null) {
      overrides.put(CommonKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers);
    }
    if (schemaRegistryUrl != null) {
      overrides.put(CommonKeys.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl);
    }
    if (topicPrefix != null) {
      overrides.put(CommonKeys.TOPIC_PREFIX.name(), topicPrefix);
    }
    return overrides;
  }

  ConfigSource configSource(Map<String, String> more) {
    Map<String, String> all = new HashMap<>(overrides());
    all.putAll(more);
    return ConfigSource.of(System.getenv(), all);
  }
}
