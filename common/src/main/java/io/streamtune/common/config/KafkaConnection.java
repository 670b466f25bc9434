package io.streamtune.common.config;

import io.streamtune.schemas.topics.Topics;

/** Where a service finds Kafka and the schema registry, and which topic names it uses. */
public record KafkaConnection(String bootstrapServers, String schemaRegistryUrl, Topics topics) {

  public static KafkaConnection from(ConfigSource source) {
    return new KafkaConnection(
        source.get(CommonKeys.BOOTSTRAP_SERVERS),
        source.get(CommonKeys.SCHEMA_REGISTRY_URL),
        new Topics(source.get(CommonKeys.TOPIC_PREFIX)));
  }
}
