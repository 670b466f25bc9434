package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.feedback.FeedbackConfig;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.serve.ServeConfig;
import io.streamtune.trainer.TrainerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ServiceCommandTest {

  private static final String SPEC = EndToEndScenario.CREDIT_SPEC.toString();

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = StreamtuneCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Parses {@code args} without running the service and returns its configuration layers. */
  private static ConfigSource parsed(Map<String, String> environment, String... args) {
    CommandLine cli = StreamtuneCli.commandLine();
    CommandLine.ParseResult result = cli.parseArgs(args);
    ServiceCommand command = (ServiceCommand) result.subcommand().commandSpec().userObject();
    return command.configSource(environment);
  }

  static Stream<Arguments> services() {
    return Stream.of(
        Arguments.of(
            "preprocess",
            ServiceMetrics.keys(PreprocessConfig.KEYS, MetricsSettings.PREPROCESS_PORT)),
        Arguments.of(
            "trainer", ServiceMetrics.keys(TrainerConfig.KEYS, MetricsSettings.TRAINER_PORT)),
        Arguments.of(
            "evaluator", ServiceMetrics.keys(EvaluatorConfig.KEYS, MetricsSettings.EVALUATOR_PORT)),
        Arguments.of("serve", ServiceMetrics.keys(ServeConfig.KEYS, MetricsSettings.SERVE_PORT)),
        Arguments.of(
            "feedback", ServiceMetrics.keys(FeedbackConfig.KEYS, MetricsSettings.FEEDBACK_PORT)),
        Arguments.of("dashboard", DashboardCommand.KEYS));
  }

  @ParameterizedTest
  @MethodSource("services")
  void helpListsEveryKeyOfTheServiceWithItsDefault(String service, List<ConfigKey<?>> keys) {
    Run run = run(service, "--help");

    assertThat(run.exitCode()).isZero();
    String help = run.out().replaceAll("\\s+", " ");
    for (ConfigKey<?> key : keys) {
      assertThat(help)
          .contains(key.option())
          .contains("default: " + key.defaultText() + "; env " + key.envName());
    }
    assertThat(help).contains("--config-file=FILE");
    assertThat(run.out()).doesNotContain("http: //");
  }

  @Test
  void optionsWinOverVariablesWhichWinOverTheFileWhichWinsOverDefaults(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("evaluator.properties");
    Files.writeString(
        file,
        "evaluator.holdout.wait.ms=1000\n"
            + "evaluator.poll.timeout.ms=300\n"
            + "evaluator.holdout.max.examples=10\n");

    EvaluatorConfig config =
        EvaluatorConfig.from(
            parsed(
                Map.of(
                    "STREAMTUNE_EVALUATOR_HOLDOUT_WAIT_MS", "2000",
                    "STREAMTUNE_EVALUATOR_POLL_TIMEOUT_MS", "400"),
                "evaluator",
                "--config-file",
                file.toString(),
                "--evaluator.holdout.wait.ms=3000",
                "--evaluator.consumer.group",
                "group-from-option",
                "--pipeline",
                SPEC));

    assertThat(config.holdoutWait()).isEqualTo(Duration.ofMillis(3000)); // option
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(400)); // variable
    assertThat(config.holdoutMaxExamples()).isEqualTo(10); // file
    assertThat(config.consumerGroup()).isEqualTo("group-from-option"); // option, spaced form
    assertThat(config.modelStore()).isEqualTo(Path.of("model-store")); // default
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
  }

  @Test
  void theMetricsKeysAreReadByTheLauncherAndKeptFromTheServiceConfig() {
    ConfigSource source =
        parsed(
            Map.of("STREAMTUNE_METRICS_BIND_ADDRESS", "0.0.0.0"),
            "serve",
            "--metrics.port=0",
            "--pipeline.spec=" + SPEC);

    assertThat(MetricsSettings.from(source, MetricsSettings.SERVE_PORT))
        .isEqualTo(new MetricsSettings("0.0.0.0", 0));
    // the service's typed config rejects keys it does not know: it never sees these two
    ServeConfig config =
        ServeConfig.from(ServiceMetrics.serviceSource(source, MetricsSettings.SERVE_PORT));
    assertThat(config.httpPort()).isEqualTo(ServeConfig.HTTP_PORT.defaultValue());
    assertThatThrownBy(() -> ServeConfig.from(source))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_METRICS_PORT");
    // the default port is the service's own
    assertThat(
            MetricsSettings.from(
                parsed(Map.of(), "trainer", "--pipeline.spec=" + SPEC),
                MetricsSettings.TRAINER_PORT))
        .isEqualTo(new MetricsSettings("127.0.0.1", 9402));
  }

  @Test
  void theDashboardReadsEveryKeyItListsAndItsOptionsSetThem() {
    ConfigSource source =
        parsed(
            Map.of("STREAMTUNE_DASHBOARD_BIND_ADDRESS", "0.0.0.0"),
            "dashboard",
            "--dashboard.port=0",
            "--token",
            "s3cret",
            "--bootstrap-servers",
            "kafka:9092");

    assertThat(DashboardSettings.from(source))
        .isEqualTo(new DashboardSettings("0.0.0.0", 0, "s3cret"));
    assertThat(KafkaConnection.from(source).bootstrapServers()).isEqualTo("kafka:9092");
    CommonKeys.shutdownTimeout(source);
    assertThat(source.get(DashboardCommand.MODEL_STORE)).isEqualTo("model-store");
    assertThat(source.keysRead())
        .containsAll(DashboardCommand.KEYS.stream().map(ConfigKey::envName).toList());
  }

  @Test
  void theDashboardOnATakenPortFailsNamingTheKeyBeforeTouchingKafka() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run run =
          run(
              "dashboard",
              "--dashboard.port=" + taken.getLocalPort(),
              "--bootstrap-servers",
              "127.0.0.1:1");

      assertThat(run.exitCode()).isNotZero();
      assertThat(run.err())
          .contains("127.0.0.1:" + taken.getLocalPort())
          .contains("dashboard.port");
    }
  }

  @Test
  void theOldShortOptionsStillSetTheirKeys() {
    TrainerConfig config =
        TrainerConfig.from(
            parsed(
                Map.of(),
                "trainer",
                "--bootstrap-servers",
                "broker:29092",
                "--trainer.poll.timeout.ms=50",
                "--pipeline.spec=" + SPEC));

    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:29092");
    assertThat(config.pollTimeout()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void clientSettingsPassThroughAsOptionsVariablesAndFileWithTheSamePrecedence(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("trainer.properties");
    Files.writeString(
        file,
        "kafka.security.protocol=SASL_SSL\n"
            + "kafka.ssl.truststore.location=/etc/ts.jks\n"
            + "schema.registry.basic.auth.credentials.source=USER_INFO\n");

    TrainerConfig config =
        TrainerConfig.from(
            parsed(
                Map.of(
                    "STREAMTUNE_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "app:secret"),
                "trainer",
                "--config-file",
                file.toString(),
                "--kafka.sasl.mechanism=SCRAM-SHA-256",
                "--pipeline.spec=" + SPEC));

    assertThat(config.kafka().kafkaSettings())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256") // option
        .containsEntry("security.protocol", "SASL_PLAINTEXT") // variable
        .containsEntry("ssl.truststore.location", "/etc/ts.jks"); // file
    assertThat(config.kafka().registrySettings())
        .containsEntry("basic.auth.credentials.source", "USER_INFO")
        .containsEntry("basic.auth.user.info", "app:secret");
    assertThat(config.kafka().clientProperties().getProperty("sasl.mechanism"))
        .isEqualTo("SCRAM-SHA-256");
    assertThat(config.toString()).doesNotContain("app:secret");
  }

  @Test
  void anUnknownClientSettingOptionFailsWithItsName() {
    Run run =
        run(
            "trainer",
            "--pipeline.spec=" + SPEC,
            "--kafka.sasl.mechanizm=PLAIN",
            "--trainer.poll.timeout.ms=50");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown option '--kafka.sasl.mechanizm'");
  }

  @Test
  void anUnknownKeyOptionFailsWithTheKeyAndTheAllowedKeys() {
    Run run = run("evaluator", "--evaluator.holdout.wait=5", "--pipeline", SPEC);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("unknown option '--evaluator.holdout.wait'")
        .contains("evaluator.holdout.wait.ms")
        .contains("kafka.bootstrap.servers")
        .doesNotContain("trainer.device");
  }

  @Test
  void anInvalidOptionValueNamesTheKeyAndExitsWith2() {
    Run run = run("evaluator", "--evaluator.holdout.max.examples", "many", "--pipeline", SPEC);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("invalid value 'many'")
        .contains("'evaluator.holdout.max.examples'");
  }

  @Test
  void anUnknownKeyInTheConfigurationFileNamesItAndTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trainer.properties");
    Files.writeString(file, "trainer.devise=gpu\n");

    Run run = run("trainer", "--config-file", file.toString(), "--pipeline", SPEC);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'trainer.devise'").contains(file.toString());
  }
}
