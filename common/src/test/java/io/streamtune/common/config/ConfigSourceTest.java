package io.streamtune.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  private enum Scaling {
    STANDARD,
    NONE
  }

  private static final ConfigKey<Integer> PARALLELISM =
      ConfigKey.integer("preprocess.parallelism", 2, "Flink parallelism");
  private static final ConfigKey<Scaling> SCALING =
      ConfigKey.enumKey("test.scaling", Scaling.class, Scaling.STANDARD, "scaling");

  @Test
  void environmentVariableNameIsDerivedFromTheKey() {
    assertThat(CommonKeys.BOOTSTRAP_SERVERS.envName())
        .isEqualTo("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void overridesWinOverEnvironmentAndDefaultsFillTheRest() {
    ConfigSource source =
        ConfigSource.of(
            Map.of("STREAMTUNE_PREPROCESS_PARALLELISM", "4", "PATH", "/bin"),
            Map.of("kafka.bootstrap.servers", "broker:29092"));

    assertThat(source.get(PARALLELISM)).isEqualTo(4);
    assertThat(source.get(CommonKeys.BOOTSTRAP_SERVERS)).isEqualTo("broker:29092");
    assertThat(source.get(CommonKeys.TOPIC_PREFIX)).isEqualTo("streamtune.");
    assertThat(source.keysRead())
        .contains("STREAMTUNE_PREPROCESS_PARALLELISM", "STREAMTUNE_TOPIC_PREFIX");
  }

  @Test
  void unparseableValueNamesTheKeyAndEnvironmentVariable() {
    ConfigSource source = ConfigSource.of(Map.of("preprocess.parallelism", "two"));

    assertThatThrownBy(() -> source.get(PARALLELISM))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'preprocess.parallelism'")
        .hasMessageContaining("STREAMTUNE_PREPROCESS_PARALLELISM");
  }

  @Test
  void enumValueOutsideTheAllowedOnesListsThem() {
    ConfigSource source = ConfigSource.of(Map.of("test.scaling", "fancy"));

    assertThatThrownBy(() -> source.get(SCALING)).hasMessageContaining("[standard, none]");
  }

  @Test
  void missingRequiredKeyIsAnError() {
    assertThatThrownBy(() -> ConfigSource.of(Map.of()).get(CommonKeys.PIPELINE_SPEC))
        .hasMessageContaining("missing required configuration key 'pipeline.spec'");
  }

  @Test
  void unknownKeysAreRejectedWithTheKnownOnes() {
    ConfigSource source =
        ConfigSource.of(Map.of("STREAMTUNE_PREPROCES_PARALLELISM", "4"), Map.of());

    assertThatThrownBy(() -> source.rejectUnknown(List.of(PARALLELISM)))
        .hasMessageContaining("STREAMTUNE_PREPROCES_PARALLELISM")
        .hasMessageContaining("preprocess.parallelism");
  }

  @Test
  void theLaunchersOwnVariablesAreNotServiceKeys() {
    // the README's STREAMTUNE_JAVA_OPTS / STREAMTUNE_TORCH_THREADS once stopped every service
    ConfigSource source =
        ConfigSource.of(
            Map.of(
                "STREAMTUNE_JAVA_OPTS", "-Xmx4g",
                "STREAMTUNE_TORCH_THREADS", "2",
                "STREAMTUNE_PREPROCESS_PARALLELISM", "3"),
            Map.of());

    source.rejectUnknown(List.of(PARALLELISM));
    assertThat(source.get(PARALLELISM)).isEqualTo(3);
  }
}
