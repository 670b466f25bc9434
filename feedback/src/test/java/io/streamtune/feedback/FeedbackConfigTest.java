package io.streamtune.feedback;

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

class FeedbackConfigTest {

  @TempDir Path dir;

  private Path spec() throws IOException {
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
        """);
    return file;
  }

  @Test
  void readsEveryKeyAndTheSpec() throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("kafka.bootstrap.servers", "broker:9093");
    values.put("schema.registry.url", "http://registry:8081");
    values.put("topic.prefix", "t1.");
    values.put("pipeline.spec", spec().toString());
    values.put("feedback.application.id", "fb-x");
    values.put("feedback.state.dir", "/var/fb");
    values.put("feedback.state.store", "memory");
    values.put("feedback.join.window.ms", "120000");
    values.put("feedback.join.grace.ms", "5000");
    values.put("feedback.metrics.tumbling.ms", "10000");
    values.put("feedback.metrics.sliding.ms", "30000");
    values.put("feedback.drift.adwin.delta", "0.01");
    values.put("feedback.drift.ph.delta", "0.01");
    values.put("feedback.drift.ph.lambda", "25");
    values.put("feedback.drift.ph.alpha", "0.999");
    values.put("feedback.drift.ph.min.instances", "50");
    values.put("feedback.labeldrift.window", "300");
    values.put("feedback.labeldrift.threshold", "0.25");
    values.put("feedback.rollback.alpha", "0.05");
    values.put("feedback.rollback.min.pairs", "100");
    values.put("service.shutdown.timeout.ms", "2500");
    ConfigSource source = ConfigSource.of(values);

    FeedbackConfig config = FeedbackConfig.from(source);

    assertThat(source.keysRead())
        .containsExactlyInAnyOrderElementsOf(
            FeedbackConfig.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet()));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9093");
    assertThat(config.kafka().topics().prefix()).isEqualTo("t1.");
    assertThat(config.modelId()).isEqualTo("credit");
    assertThat(config.applicationId()).isEqualTo("fb-x");
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/fb"));
    assertThat(config.stateStore()).isEqualTo(FeedbackConfig.StateStore.MEMORY);
    assertThat(config.joinWindow()).isEqualTo(Duration.ofMillis(120_000));
    assertThat(config.joinGrace()).isEqualTo(Duration.ofMillis(5_000));
    assertThat(config.tumbling()).isEqualTo(Duration.ofMillis(10_000));
    assertThat(config.sliding()).isEqualTo(Duration.ofMillis(30_000));
    assertThat(config.drift().adwinDelta()).isEqualTo(0.01);
    assertThat(config.drift().phDelta()).isEqualTo(0.01);
    assertThat(config.drift().phLambda()).isEqualTo(25);
    assertThat(config.drift().phAlpha()).isEqualTo(0.999);
    assertThat(config.drift().phMinInstances()).isEqualTo(50);
    assertThat(config.labelDriftWindow()).isEqualTo(300);
    assertThat(config.labelDriftThreshold()).isEqualTo(0.25);
    assertThat(config.rollbackAlpha()).isEqualTo(0.05);
    assertThat(config.rollbackMinPairs()).isEqualTo(100);
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void defaultsApplyFromTheEnvironmentForm() throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("STREAMTUNE_PIPELINE_SPEC", spec().toString()), Map.of());

    FeedbackConfig config = FeedbackConfig.from(source);

    assertThat(config.applicationId()).isEqualTo("streamtune-feedback");
    assertThat(config.stateDir()).isEqualTo(Path.of("feedback-state"));
    assertThat(config.stateStore()).isEqualTo(FeedbackConfig.StateStore.ROCKSDB);
    assertThat(config.joinWindow()).isEqualTo(Duration.ofMillis(600_000));
    assertThat(config.joinGrace()).isEqualTo(Duration.ofMillis(60_000));
    assertThat(config.tumbling()).isEqualTo(Duration.ofMillis(60_000));
    assertThat(config.sliding()).isEqualTo(Duration.ofMillis(300_000));
    assertThat(config.drift().adwinDelta()).isEqualTo(0.002);
    assertThat(config.drift().phDelta()).isEqualTo(0.005);
    assertThat(config.drift().phLambda()).isEqualTo(50);
    assertThat(config.drift().phAlpha()).isEqualTo(1 - 0.0001);
    assertThat(config.drift().phMinInstances()).isEqualTo(30);
    assertThat(config.labelDriftWindow()).isEqualTo(500);
    assertThat(config.labelDriftThreshold()).isEqualTo(0.2);
    assertThat(config.rollbackAlpha()).isEqualTo(0.01);
    assertThat(config.rollbackMinPairs()).isEqualTo(200);
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(5_000));
  }

  @ParameterizedTest
  @CsvSource({
    "feedback.state.store, disk",
    "feedback.join.window.ms, 0",
    "feedback.join.window.ms, long",
    "feedback.join.grace.ms, -1",
    "feedback.metrics.tumbling.ms, 0",
    "feedback.metrics.sliding.ms, 90001",
    "feedback.drift.adwin.delta, 1.5",
    "feedback.drift.ph.delta, -0.1",
    "feedback.drift.ph.lambda, 0",
    "feedback.drift.ph.alpha, 1.01",
    "feedback.drift.ph.min.instances, -1",
    "feedback.labeldrift.window, 0",
    "feedback.labeldrift.threshold, 0",
    "feedback.rollback.alpha, 1",
    "feedback.rollback.min.pairs, 0",
    "service.shutdown.timeout.ms, 99",
  })
  void badValueFailsNamingTheKey(String key, String value) throws IOException {
    ConfigSource source = ConfigSource.of(Map.of("pipeline.spec", spec().toString(), key, value));

    assertThatThrownBy(() -> FeedbackConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(value);
  }

  @Test
  void anUnknownStoreKindNamesTheAllowedOnes() throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("pipeline.spec", spec().toString(), "feedback.state.store", "disk"));

    assertThatThrownBy(() -> FeedbackConfig.from(source)).hasMessageContaining("[rocksdb, memory]");
  }

  @Test
  void unknownKeyIsRejected() throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("pipeline.spec", spec().toString(), "feedback.join.windw.ms", "5"));

    assertThatThrownBy(() -> FeedbackConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FEEDBACK_JOIN_WINDW_MS");
  }
}
