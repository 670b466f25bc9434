package io.streamtune.common.config;

import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SpecException;
import java.nio.file.Path;
import java.time.Duration;
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

  /** The shortest shutdown budget: a Kafka client closed in less drops work it could finish. */
  public static final long MIN_SHUTDOWN_TIMEOUT_MS = 100;

  /**
   * How long a long-lived service (trainer, evaluator) may take to stop after SIGTERM: its loop is
   * woken and every Kafka client closed within it, whatever state the broker is in. Not in {@link
   * #ALL}: the services that read it list it in their keys.
   */
  public static final ConfigKey<Long> SHUTDOWN_TIMEOUT_MS =
      ConfigKey.longKey(
          "service.shutdown.timeout.ms",
          5000,
          "Longest time the service takes to stop after SIGTERM, in milliseconds (>= "
              + MIN_SHUTDOWN_TIMEOUT_MS
              + "); Kafka clients are closed within it, an open transaction is aborted");

  public static final List<ConfigKey<?>> ALL =
      List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, TOPIC_PREFIX, PIPELINE_SPEC);

  private CommonKeys() {}

  /** Reads and checks {@link #SHUTDOWN_TIMEOUT_MS}. */
  public static Duration shutdownTimeout(ConfigSource source) {
    return checkShutdownTimeout(Duration.ofMillis(source.get(SHUTDOWN_TIMEOUT_MS)));
  }

  /**
   * @throws ConfigException naming {@link #SHUTDOWN_TIMEOUT_MS} when {@code timeout} is null or
   *     under {@value #MIN_SHUTDOWN_TIMEOUT_MS} ms
   */
  public static Duration checkShutdownTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < MIN_SHUTDOWN_TIMEOUT_MS) {
      throw ConfigException.invalid(
          SHUTDOWN_TIMEOUT_MS,
          timeout == null ? null : timeout.toMillis(),
          "must be at least " + MIN_SHUTDOWN_TIMEOUT_MS + " ms");
    }
    return timeout;
  }

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
