package io.streamtune.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                "STREAMTUNE_REGISTRY_TOKEN", "t",
                "STREAMTUNE_INGEST_LEDGER", "/tmp/ledgers",
                "STREAMTUNE_PREPROCESS_PARALLELISM", "3"),
            Map.of());

    source.rejectUnknown(List.of(PARALLELISM));
    assertThat(source.get(PARALLELISM)).isEqualTo(3);
  }

  @Test
  void commandLineWinsOverEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() {
    ConfigKey<Integer> a = ConfigKey.integer("layer.a", 1, "a");
    ConfigKey<Integer> b = ConfigKey.integer("layer.b", 1, "b");
    ConfigKey<Integer> c = ConfigKey.integer("layer.c", 1, "c");
    ConfigKey<Integer> d = ConfigKey.integer("layer.d", 1, "d");
    ConfigSource source =
        ConfigSource.of(
            Map.of("layer.a", "2", "layer.b", "2", "layer.c", "2"),
            Map.of("STREAMTUNE_LAYER_A", "3", "STREAMTUNE_LAYER_B", "3"),
            Map.of("layer.a", "4"));

    assertThat(source.get(a)).isEqualTo(4); // command line
    assertThat(source.get(b)).isEqualTo(3); // environment
    assertThat(source.get(c)).isEqualTo(2); // file
    assertThat(source.get(d)).isEqualTo(1); // default
  }

  @Test
  void aConfigurationFileIsReadByKeyNameAndAnUnknownKeyNamesTheFileAndTheAllowedKeys(
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("evaluator.properties");
    Files.writeString(file, "# a comment\npreprocess.parallelism = 3\ntest.scaling=none\n");
    List<ConfigKey<?>> known = List.of(PARALLELISM, SCALING);

    Map<String, String> values = ConfigSource.readFile(file, known);
    ConfigSource source = ConfigSource.of(values, Map.of(), Map.of());

    assertThat(source.get(PARALLELISM)).isEqualTo(3);
    assertThat(source.get(SCALING)).isEqualTo(Scaling.NONE);
    Files.writeString(file, "preprocess.paralelism=3\n");
    assertThatThrownBy(() -> ConfigSource.readFile(file, known))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'preprocess.paralelism'")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("[preprocess.parallelism, test.scaling]");
    assertThatThrownBy(() -> ConfigSource.readFile(dir.resolve("missing"), known))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read");
  }

  @Test
  void helpLineCarriesDocAllowedValuesEnvironmentNameAndDefault() {
    assertThat(SCALING.help())
        .containsExactly(
            "scaling (standard|none)", "default: standard; env STREAMTUNE_TEST_SCALING");
    assertThat(CommonKeys.PIPELINE_SPEC.defaultText()).isEqualTo("required");
    assertThat(ConfigKey.string("x.dir", "", "d").defaultText()).isEqualTo("(empty)");
    assertThat(PARALLELISM.option()).isEqualTo("--preprocess.parallelism");
  }
}
