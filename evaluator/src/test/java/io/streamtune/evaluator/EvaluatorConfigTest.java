package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
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

class EvaluatorConfigTest {

  @TempDir Path dir;

  private Path spec(double minGain) throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(
        file,
        """
        name: credit
        label:
          column: default
          classes: [no, yes]
        columns:
          income: {type: numeric}
          city: {type: categorical, categories: [a, b]}
        evaluator:
          minMacroF1Gain: %s
        """
            .formatted(minGain));
    return file;
  }

  @Test
  void readsEveryKeyAndTheSpec() throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("kafka.bootstrap.servers", "broker:9093");
    values.put("schema.registry.url", "http://registry:8081");
    values.put("topic.prefix", "t1.");
    values.put("pipeline.spec", spec(0.03).toString());
    values.put("evaluator.consumer.group", "eval-x");
    values.put("evaluator.holdout.max.examples", "500");
    values.put("evaluator.poll.timeout.ms", "50");
    values.put("evaluator.holdout.wait.ms", "1000");
    values.put("service.shutdown.timeout.ms", "2500");
    values.put("evaluator.drift.holdout.keep", "40");
    ConfigSource source = ConfigSource.of(values);

    EvaluatorConfig config = EvaluatorConfig.from(source);

    assertThat(source.keysRead())
        .containsExactlyInAnyOrderElementsOf(
            EvaluatorConfig.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet()));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9093");
    assertThat(config.kafka().schemaRegistryUrl()).isEqualTo("http://registry:8081");
    assertThat(config.kafka().topics().prefix()).isEqualTo("t1.");
    assertThat(config.spec().name()).isEqualTo("credit");
    assertThat(config.minMacroF1Gain()).isEqualTo(0.03);
    assertThat(config.consumerGroup()).isEqualTo("eval-x");
    assertThat(config.holdoutMaxExamples()).isEqualTo(500);
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.holdoutWait()).isEqualTo(Duration.ofMillis(1000));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.driftHoldoutKeep()).isEqualTo(40);
  }

  @Test
  void defaultsApplyFromTheEnvironmentForm() throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("STREAMTUNE_PIPELINE_SPEC", spec(0).toString()), Map.of());

    EvaluatorConfig config = EvaluatorConfig.from(source);

    assertThat(config.consumerGroup()).isEqualTo("streamtune-evaluator");
    assertThat(config.holdoutMaxExamples()).isEqualTo(100_000);
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.holdoutWait()).isEqualTo(Duration.ofMillis(30_000));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(5_000));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
  }

  @ParameterizedTest
  @CsvSource({
    "evaluator.holdout.max.examples, many",
    "evaluator.holdout.max.examples, 0",
    "evaluator.poll.timeout.ms, 0",
    "evaluator.poll.timeout.ms, soon",
    "evaluator.holdout.wait.ms, -1",
    "evaluator.holdout.wait.ms, 1.5",
    "service.shutdown.timeout.ms, 99",
    "service.shutdown.timeout.ms, later",
  })
  void badValueFailsNamingTheKey(String key, String value) throws IOException {
    ConfigSource source = ConfigSource.of(Map.of("pipeline.spec", spec(0).toString(), key, value));

    assertThatThrownBy(() -> EvaluatorConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(value);
  }

  @Test
  void missingOrBrokenSpecFailsNamingTheKey() throws IOException {
    assertThatThrownBy(() -> EvaluatorConfig.from(ConfigSource.of(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'pipeline.spec'");

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "label: {column: y, classes: [a, b]}\nnoSuchKey: 1\n");
    assertThatThrownBy(
            () -> EvaluatorConfig.from(ConfigSource.of(Map.of("pipeline.spec", broken.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'pipeline.spec'")
        .hasMessageContaining("noSuchKey");
  }

  @Test
  void unknownKeyIsRejected() throws IOException {
    ConfigSource source =
        ConfigSource.of(
            Map.of("pipeline.spec", spec(0).toString(), "evaluator.holdout.max.exampels", "5"));

    assertThatThrownBy(() -> EvaluatorConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("EVALUATOR_HOLDOUT_MAX_EXAMPELS");
  }
}
