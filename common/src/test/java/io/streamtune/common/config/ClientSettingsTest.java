package io.streamtune.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {

  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\""
          + " password=\"s3cret\";";

  private static final ConfigKey<Integer> PARALLELISM =
      ConfigKey.integer("preprocess.parallelism", 2, "Flink parallelism");

  @Test
  void variablesMapToKafkaClientProperties() {
    ConfigSource source =
        ConfigSource.of(
            Map.of(
                "STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS", "broker:9094",
                "STREAMTUNE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "STREAMTUNE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks",
                "STREAMTUNE_KAFKA_MAX_BLOCK_MS", "5000"),
            Map.of());

    KafkaConnection kafka = KafkaConnection.from(source);

    assertThat(kafka.kafkaSettings())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/truststore.jks",
                "max.block.ms", "5000"));
    Properties client = kafka.clientProperties();
    assertThat(client.getProperty("bootstrap.servers")).isEqualTo("broker:9094");
    assertThat(client.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
    assertThat(kafka.registrySettings()).isEmpty();
    // the pass-through's variables are not unknown keys
    source.rejectUnknown(CommonKeys.ALL);
    assertThat(source.keysRead()).doesNotContain("STREAMTUNE_KAFKA_SASL_MECHANISM");
  }

  @Test
  void registryVariablesMapToConfluentClientSettings() {
    ConfigSource source =
        ConfigSource.of(
            Map.of(
                "STREAMTUNE_SCHEMA_REGISTRY_URL", "https://registry:8081",
                "STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE", "USER_INFO",
                "STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "app:s3cret",
                "STREAMTUNE_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", "/etc/registry/ts.jks",
                "STREAMTUNE_SCHEMA_REGISTRY_BEARER_AUTH_TOKEN", "tok"),
            Map.of());

    KafkaConnection kafka = KafkaConnection.from(source);

    assertThat(kafka.schemaRegistryUrl()).isEqualTo("https://registry:8081");
    assertThat(kafka.registrySettings())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "app:s3cret",
                "schema.registry.ssl.truststore.location", "/etc/registry/ts.jks",
                "bearer.auth.token", "tok"));
    assertThat(kafka.kafkaSettings()).isEmpty();
    source.rejectUnknown(CommonKeys.ALL);
  }

  @Test
  void optionsWinOverVariablesWhichWinOverTheFile() {
    ConfigSource source =
        ConfigSource.of(
            Map.of(
                "kafka.sasl.mechanism", "PLAIN",
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.client.id", "from-file"),
            Map.of(
                "STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "STREAMTUNE_KAFKA_CLIENT_ID", "from-env"),
            Map.of("kafka.sasl.mechanism", "SCRAM-SHA-256"));

    KafkaConnection kafka = KafkaConnection.from(source);

    assertThat(kafka.kafkaSettings())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("client.id", "from-env")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
  }

  @Test
  void aVariableThatMatchesNoClientSettingFailsWithItsNameAndAHint() {
    ConfigSource kafka =
        ConfigSource.of(Map.of("STREAMTUNE_KAFKA_SASL_MECHANISMS", "SCRAM-SHA-256"), Map.of());
    assertThatThrownBy(() -> KafkaConnection.from(kafka))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_KAFKA_SASL_MECHANISMS")
        .hasMessageContaining("Kafka client property")
        .hasMessageContaining("STREAMTUNE_KAFKA_SECURITY_PROTOCOL");

    ConfigSource registry =
        ConfigSource.of(Map.of("STREAMTUNE_SCHEMA_REGISTRY_USER_INFO", "a:b"), Map.of());
    assertThatThrownBy(() -> KafkaConnection.from(registry))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_SCHEMA_REGISTRY_USER_INFO")
        .hasMessageContaining("STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
        // the message names the variable, never its value
        .hasMessageNotContaining("a:b");
  }

  @Test
  void otherUnknownVariablesStillFail() {
    ConfigSource source =
        ConfigSource.of(
            Map.of(
                "STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "STREAMTUNE_PREPROCES_PARALLELISM", "4"),
            Map.of());
    KafkaConnection.from(source);

    assertThatThrownBy(() -> source.rejectUnknown(List.of(PARALLELISM)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_PREPROCES_PARALLELISM")
        .hasMessageNotContaining("STREAMTUNE_KAFKA_SASL_MECHANISM");
  }

  @Test
  void secretsAreMaskedWhenPrinted() {
    KafkaConnection kafka =
        KafkaConnection.from(
            ConfigSource.of(
                Map.of(
                    "STREAMTUNE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                    "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "tspass",
                    "STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                    "STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "app:regpass",
                    "STREAMTUNE_SCHEMA_REGISTRY_BEARER_AUTH_TOKEN", "tok123",
                    "STREAMTUNE_SCHEMA_REGISTRY_BEARER_AUTH_CLIENT_SECRET", "cs123"),
                Map.of()));

    String printed = kafka.toString();

    assertThat(printed)
        .contains("sasl.mechanism=SCRAM-SHA-256")
        .contains("sasl.jaas.config=" + ClientSettings.HIDDEN)
        .doesNotContain("s3cret", "tspass", "regpass", "tok123", "cs123");
    assertThat(ClientSettings.masked(Map.of("ssl.key.password", "x", "acks", "all")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("ssl.key.password", ClientSettings.HIDDEN, "acks", "all"));
  }

  @Test
  void theConfigurationFileTakesPassThroughKeysButNotUnknownOnes(@TempDir Path dir)
      throws Exception {
    Path good = dir.resolve("good.properties");
    Files.writeString(
        good,
        "kafka.security.protocol=SASL_PLAINTEXT\n"
            + "schema.registry.basic.auth.user.info=a:b\n"
            + "preprocess.parallelism=3\n");
    assertThat(ConfigSource.readFile(good, List.of(PARALLELISM)))
        .containsEntry("kafka.security.protocol", "SASL_PLAINTEXT")
        .containsEntry("schema.registry.basic.auth.user.info", "a:b");

    Path bad = dir.resolve("bad.properties");
    Files.writeString(bad, "kafka.sasl.mechansim=PLAIN\n");
    assertThatThrownBy(() -> ConfigSource.readFile(bad, List.of(PARALLELISM)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.sasl.mechansim")
        .hasMessageContaining("kafka.<Kafka client property>");
  }

  @Test
  void theDeclaredKeysAreNotPartOfThePassThrough() {
    assertThat(ClientSettings.kafkaKeyNames())
        .contains("kafka.sasl.jaas.config", "kafka.security.protocol", "kafka.ssl.keystore.type")
        .doesNotContain("kafka.bootstrap.servers");
    assertThat(ClientSettings.registryKeyNames())
        .contains(
            "schema.registry.basic.auth.user.info",
            "schema.registry.ssl.truststore.location",
            "schema.registry.bearer.auth.credentials.source")
        .doesNotContain("schema.registry.url");
  }
}
