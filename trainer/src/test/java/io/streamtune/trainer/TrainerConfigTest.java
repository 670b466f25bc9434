package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigTest {

  @TempDir Path dir;

  private Map<String, String> allKeys() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, TestSpecs.YAML);
    Map<String, String> values = new HashMap<>();
    values.put("kafka.bootstrap.servers", "broker:29092");
    values.put("schema.registry.url", "http://registry:8081");
    values.put("topic.prefix", "test.");
    values.put("pipeline.spec", spec.toString());
    values.put("trainer.model.store", "/data/models");
    values.put("trainer.consumer.group", "group-a");
    values.put("trainer.device", "CPU");
    values.put("trainer.threads", "3");
    values.put("trainer.poll.timeout.ms", "50");
    values.put("trainer.buffer.on.unreadable.snapshot", "empty");
    values.put("service.shutdown.timeout.ms", "2500");
    return values;
  }

  @Test
  void everyKeyIsReadAndParsed() throws Exception {
    ConfigSource source = ConfigSource.of(allKeys());

    TrainerConfig config = TrainerConfig.from(source);

    assertThat(source.keysRead())
        .containsExactlyInAnyOrderElementsOf(
            TrainerConfig.KEYS.stream().map(ConfigKey::envName).toList());
    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:29092");
    assertThat(config.kafka().schemaRegistryUrl()).isEqualTo("http://registry:8081");
    assertThat(config.kafka().topics().name(Topics.MODELS)).isEqualTo("test.models");
    assertThat(config.spec().name()).isEqualTo("blobs");
    assertThat(config.modelStore()).isEqualTo(Path.of("/data/models"));
    assertThat(config.consumerGroup()).isEqualTo("group-a");
    assertThat(config.device()).isEqualTo(DeviceKind.CPU);
    assertThat(config.threads()).isEqualTo(3);
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.onUnreadableSnapshot()).isEqualTo(TrainerConfig.UnreadableSnapshot.EMPTY);
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void environmentVariablesWorkAndDefaultsFillTheRest() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, TestSpecs.YAML);
    TrainerConfig config =
        TrainerConfig.from(
            ConfigSource.of(Map.of("STREAMTUNE_PIPELINE_SPEC", spec.toString()), Map.of()));

    assertThat(config.modelStore()).isEqualTo(Path.of("model-store"));
    assertThat(config.consumerGroup()).isEqualTo("streamtune-trainer");
    assertThat(config.device()).isEqualTo(DeviceKind.AUTO);
    assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.onUnreadableSnapshot()).isEqualTo(TrainerConfig.UnreadableSnapshot.FAIL);
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
  }

  @Test
  void badValuesFailNamingTheKey() throws Exception {
    assertBad("trainer.threads", "two", "'trainer.threads'");
    assertBad("trainer.threads", "0", "'trainer.threads' must be >= 1");
    assertBad("trainer.device", "tpu", "'trainer.device'", "[auto, cpu, gpu]");
    assertBad("trainer.poll.timeout.ms", "0", "'trainer.poll.timeout.ms' must be >= 1");
    assertBad("trainer.poll.timeout.ms", "soon", "'trainer.poll.timeout.ms'");
    assertBad(
        "service.shutdown.timeout.ms", "50", "'service.shutdown.timeout.ms'", "at least 100 ms");
    assertBad(
        "trainer.buffer.on.unreadable.snapshot",
        "skip",
        "'trainer.buffer.on.unreadable.snapshot'",
        "STREAMTUNE_TRAINER_BUFFER_ON_UNREADABLE_SNAPSHOT",
        "[fail, empty]");
  }

  private void assertBad(String key, String value, String... expected) throws Exception {
    Map<String, String> values = allKeys();
    values.put(key, value);
    var thrown = assertThatThrownBy(() -> TrainerConfig.from(ConfigSource.of(values)));
    thrown.isInstanceOf(ConfigException.class);
    for (String part : expected) {
      thrown.hasMessageContaining(part);
    }
  }

  @Test
  void unknownKeysAndAMissingSpecAreErrors() throws Exception {
    Map<String, String> values = allKeys();
    values.put("trainer.thread", "2");
    assertThatThrownBy(() -> TrainerConfig.from(ConfigSource.of(values)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_TRAINER_THREAD");

    assertThatThrownBy(() -> TrainerConfig.from(ConfigSource.of(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'pipeline.spec'");

    Map<String, String> missingFile = allKeys();
    missingFile.put("pipeline.spec", dir.resolve("nope.yaml").toString());
    assertThatThrownBy(() -> TrainerConfig.from(ConfigSource.of(missingFile)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'pipeline.spec'")
        .hasMessageContaining("nope.yaml");
  }

  @Test
  void ofTakesAnInMemorySpecWithDefaults() {
    KafkaConnection kafka =
        new KafkaConnection("localhost:1", "mock://x", Topics.withDefaultPrefix());
    TrainerConfig config = TrainerConfig.of(kafka, TestSpecs.spec(), dir);

    assertThat(config.spec().trainer().retrainEvery()).isEqualTo(100);
    assertThat(config.modelStore()).isEqualTo(dir);
    assertThat(config.consumerGroup()).isEqualTo("streamtune-trainer");
    assertThat(config.withThreads(2).withDevice(DeviceKind.CPU).threads()).isEqualTo(2);
    assertThatThrownBy(() -> config.withPollTimeout(Duration.ZERO))
        .hasMessageContaining("trainer.poll.timeout.ms");
    assertThat(config.onUnreadableSnapshot()).isEqualTo(TrainerConfig.UnreadableSnapshot.FAIL);
    assertThatThrownBy(() -> config.withOnUnreadableSnapshot(null))
        .hasMessageContaining("'trainer.buffer.on.unreadable.snapshot'")
        .hasMessageContaining("[fail, empty]");
    assertThatThrownBy(() -> config.withConsumerGroup(" "))
        .hasMessageContaining("'trainer.consumer.group' must not be blank");
  }
}
