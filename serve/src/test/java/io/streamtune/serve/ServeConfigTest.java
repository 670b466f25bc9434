package io.streamtune.serve;

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

class ServeConfigTest {

  @TempDir Path dir;

  private Path spec() throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, ServeFixtures.SPEC_YAML);
    return file;
  }

  @Test
  void readsEveryKeyAndTheSpec() throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("kafka.bootstrap.servers", "broker:9093");
    values.put("schema.registry.url", "http://registry:8081");
    values.put("topic.prefix", "t1.");
    values.put("pipeline.spec", spec().toString());
    values.put("serve.model.store", "/srv/models");
    values.put("serve.consumer.group", "serve-x");
    values.put("serve.poll.timeout.ms", "50");
    values.put("serve.max.poll.records", "64");
    values.put("serve.shadow.requests", "0");
    values.put("serve.http.host", "0.0.0.0");
    values.put("serve.http.port", "-1");
    values.put("serve.http.max.body.bytes", "4096");
    values.put("serve.token", "t0k");
    values.put("serve.drift.window", "500");
    values.put("serve.drift.psi.threshold", "0.1");
    values.put("service.shutdown.timeout.ms", "2500");
    ConfigSource source = ConfigSource.of(values);

    ServeConfig config = ServeConfig.from(source);

    assertThat(source.keysRead())
        .containsExactlyInAnyOrderElementsOf(
            ServeConfig.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet()));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9093");
    assertThat(config.kafka().topics().prefix()).isEqualTo("t1.");
    assertThat(config.modelId()).isEqualTo(ServeFixtures.MODEL_ID);
    assertThat(config.modelStore()).isEqualTo(Path.of("/srv/models"));
    assertThat(config.consumerGroup()).isEqualTo("serve-x");
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.maxPollRecords()).isEqualTo(64);
    assertThat(config.shadowRequests()).isZero();
    assertThat(config.httpHost()).isEqualTo("0.0.0.0");
    assertThat(config.httpPort()).isEqualTo(-1);
    assertThat(config.httpMaxBodyBytes()).isEqualTo(4096);
    assertThat(config.token()).isEqualTo("t0k");
    assertThat(config.toString()).contains("token=set").doesNotContain("t0k");
    assertThat(config.driftWindow()).isEqualTo(500);
    assertThat(config.driftPsiThreshold()).isEqualTo(0.1);
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void defaultsServeOnLoopbackWithAShadow() throws IOException {
    ServeConfig config =
        ServeConfig.from(
            ConfigSource.of(Map.of("STREAMTUNE_PIPELINE_SPEC", spec().toString()), Map.of()));

    assertThat(config.consumerGroup()).isEqualTo("streamtune-serve");
    assertThat(config.modelStore()).isEqualTo(Path.of("model-store"));
    assertThat(config.shadowRequests()).isEqualTo(1000);
    assertThat(config.token()).isNull();
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8095);
    assertThat(config.httpMaxBodyBytes()).isEqualTo(1 << 20);
    assertThat(config.maxPollRecords()).isEqualTo(500);
    assertThat(config.driftWindow()).isEqualTo(1000);
    assertThat(config.driftPsiThreshold()).isEqualTo(0.25);
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(5_000));
  }

  @ParameterizedTest
  @CsvSource({
    "serve.poll.timeout.ms, 0",
    "serve.max.poll.records, 0",
    "serve.max.poll.records, 100001",
    "serve.shadow.requests, -1",
    "serve.shadow.requests, some",
    "serve.http.port, -2",
    "serve.http.port, 65536",
    "serve.http.max.body.bytes, 1023",
    "serve.drift.window, 99",
    "serve.drift.psi.threshold, 0",
    "serve.drift.psi.threshold, -0.5",
    "serve.drift.psi.threshold, high",
    "service.shutdown.timeout.ms, 99",
  })
  void badValueFailsNamingTheKey(String key, String value) throws IOException {
    ConfigSource source = ConfigSource.of(Map.of("pipeline.spec", spec().toString(), key, value));

    assertThatThrownBy(() -> ServeConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'");
  }

  @Test
  void eachWithChangesItsFieldsAndKeepsTheOthers() {
    ServeConfig base =
        ServeConfig.of(
            new io.streamtune.common.config.KafkaConnection(
                "broker:9092",
                "http://registry:8081",
                io.streamtune.schemas.topics.Topics.withDefaultPrefix()),
            ServeFixtures.spec(),
            Path.of("/srv/models"));

    ServeConfig changed =
        base.withToken("t0k")
            .withHttpPort(0)
            .withHttpMaxBodyBytes(2048)
            .withDrift(200, 0.3)
            .withConsumerGroup("g2")
            .withShadowRequests(7)
            .withMaxPollRecords(9);

    assertThat(changed)
        .isEqualTo(
            new ServeConfig(
                base.kafka(),
                base.spec(),
                "g2",
                base.modelStore(),
                base.pollTimeout(),
                9,
                7,
                base.httpHost(),
                0,
                2048,
                "t0k",
                200,
                0.3,
                base.shutdownTimeout()));
    assertThat(changed.withToken(" ").token()).as("blank: none").isNull();
    assertThatThrownBy(() -> base.withHttpMaxBodyBytes(10))
        .hasMessageContaining("serve.http.max.body.bytes");
  }

  @Test
  void unknownKeyIsRejected() throws IOException {
    ConfigSource source =
        ConfigSource.of(Map.of("pipeline.spec", spec().toString(), "serve.shadow.request", "5"));

    assertThatThrownBy(() -> ServeConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SERVE_SHADOW_REQUEST");
  }
}
