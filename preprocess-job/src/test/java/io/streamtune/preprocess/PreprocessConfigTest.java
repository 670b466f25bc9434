package io.streamtune.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreprocessConfigTest {

  @TempDir Path dir;

  private Path specFile() throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, TestSpecs.CREDIT_YAML);
    return file;
  }

  @Test
  void readsEveryKeyAndTheSpec() throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("kafka.bootstrap.servers", "broker:9093");
    values.put("schema.registry.url", "http://registry:8081");
    values.put("topic.prefix", "t1.");
    values.put("pipeline.spec", specFile().toString());
    values.put("preprocess.checkpoint.interval.ms", "500");
    values.put("preprocess.parallelism", "4");
    values.put("preprocess.consumer.group", "pp-x");
    values.put("preprocess.transaction.timeout.ms", "30000");
    values.put("preprocess.restart.attempts", "1");
    values.put("preprocess.transform.publish.every", "250");
    ConfigSource source = ConfigSource.of(values);

    PreprocessConfig config = PreprocessConfig.from(source);

    assertThat(source.keysRead())
        .containsExactlyInAnyOrderElementsOf(
            PreprocessConfig.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet()));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9093");
    assertThat(config.kafka().schemaRegistryUrl()).isEqualTo("http://registry:8081");
    assertThat(config.kafka().topics().prefix()).isEqualTo("t1.");
    assertThat(config.spec().name()).isEqualTo("credit-test");
    assertThat(config.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.parallelism()).isEqualTo(4);
    assertThat(config.consumerGroup()).isEqualTo("pp-x");
    assertThat(config.transactionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.restartAttempts()).isEqualTo(1);
    assertThat(config.transformPublishEvery()).isEqualTo(250);
    assertThat(config.examplesTransactionalIdPrefix())
        .isNotEqualTo(config.deadLetterTransactionalIdPrefix())
        .isNotEqualTo(config.transformsTransactionalIdPrefix())
        .startsWith("pp-x");
  }

  @Test
  void defaultsFromTheEnvironmentForm() throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("STREAMTUNE_PIPELINE_SPEC", specFile().toString()), Map.of());

    PreprocessConfig config = PreprocessConfig.from(source);

    assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.parallelism()).isEqualTo(2);
    assertThat(config.consumerGroup()).isEqualTo("streamtune-preprocess");
    assertThat(config.transactionTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.restartAttempts()).isEqualTo(3);
    assertThat(config.transformPublishEvery()).isEqualTo(1000);
    assertThat(config.kafka().topics().prefix()).isEqualTo(Topics.DEFAULT_PREFIX);
  }

  @ParameterizedTest
  @CsvSource({
    "preprocess.checkpoint.interval.ms, soon",
    "preprocess.checkpoint.interval.ms, 5",
    "preprocess.parallelism, 0",
    "preprocess.parallelism, two",
    "preprocess.transaction.timeout.ms, 900",
    "preprocess.restart.attempts, -1",
  })
  void badValueFailsNamingTheKey(String key, String value) throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("pipeline.spec", specFile().toString(), key, value));

    assertThatThrownBy(() -> PreprocessConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(value);
  }

  @Test
  void missingSpecFileFailsNamingTheKey() {
    ConfigSource source =
        ConfigSource.of(Map.of("pipeline.spec", dir.resolve("nope.yaml").toString()));

    assertThatThrownBy(() -> PreprocessConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.spec")
        .hasMessageContaining("nope.yaml");
  }

  @Test
  void unknownKeyIsRejected() throws IOException {
    ConfigSource source =
        ConfigSource.of(
            Map.of("pipeline.spec", specFile().toString(), "preprocess.paralelism", "3"));

    assertThatThrownBy(() -> PreprocessConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_PREPROCESS_PARALELISM");
  }

  @Test
  void inMemorySpecGetsDefaultSettings() {
    KafkaConnection kafka =
        new KafkaConnection("localhost:1", "mock://x", Topics.withDefaultPrefix());

    PreprocessConfig config = PreprocessConfig.of(kafka, TestSpecs.credit());

    assertThat(config.spec().columns()).containsKeys("Income", "Age", "Home");
    assertThat(config.parallelism()).isEqualTo(2);
    assertThat(config.withParallelism(1).parallelism()).isEqualTo(1);
    assertThat(config.withConsumerGroup("g2").consumerGroup()).isEqualTo("g2");
  }

  @Test
  void aCheckpointDirectoryIsEmptyALocalPathOrAFileUri() {
    KafkaConnection kafka =
        new KafkaConnection("localhost:1", "mock://x", Topics.withDefaultPrefix());
    PreprocessConfig config = PreprocessConfig.of(kafka, TestSpecs.credit());

    assertThat(config.checkpointDir()).isEmpty();
    assertThat(config.withCheckpointDir("/var/lib/streamtune").checkpointDir())
        .isEqualTo("/var/lib/streamtune");
    assertThat(config.withCheckpointDir("file:///checkpoints").checkpointDir())
        .isEqualTo("file:///checkpoints");
    // the newest checkpoint is found by listing the directory, which only a local one allows
    assertThatThrownBy(() -> config.withCheckpointDir("s3://bucket/checkpoints"))
        .hasMessageContaining("preprocess.checkpoint.dir")
        .hasMessageContaining("must be empty, a local path or a file:// URI");
  }
}
