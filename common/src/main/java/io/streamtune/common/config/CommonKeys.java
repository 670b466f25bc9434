package io.streamtune.common.config;

import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SpecException;
import java.nio.file.Path;
import java.util.List;

/** Keys every service reads: where Kafka and the schema registry are, topic names, the spec. */
public final class CommonKeys {

  public static final ConfigKey<String> BOOTSTRAP_SERVERS =
      ConfigKey.string("kafka.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers");
  public static final ConfigKey<String> SCHEMA_REGISTRY_URL =
      ConfigKey.string(
          "schema.registry.url",
          "http://localhost:8081",
          "Confluent-compatible schema registry URL");
  public static final ConfigKey<String> TOPIC_PREFIX =
      ConfigKey.string("topic.prefix", Topics.DEFAULT_PREFIX, "Prefix of every topic name");
  public static final ConfigKey<String> PIPELINE_SPEC =
      ConfigKey.string("pipeline.spec", null, "Path of the pipeline spec YAML file");

  public static final List<ConfigKey<?>> ALL =
      List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, TOPIC_PREFIX, PIPELINE_SPEC);

  private CommonKeys() {}

  /**
   * Loads the spec named by {@code pipeline.spec}; a bad spec is a configuration error of that key.
   */
  public static PipelineSpec loadPipelineSpec(ConfigSource source) {
    String path = source.get(PIPELINE_SPEC);
    try {
      return PipelineSpecs.load(Path.of(path));
    } catch (SpecException e) {
      throw new ConfigException(
          "configuration key '"
              + PIPELINE_SPEC.name()
              + "' (env "
              + PIPELINE_SPEC.envName()
              + "): "
              + e.getMessage(),
          e);
    }
  }
}
