package io.streamtune.launcher;

import io.streamtune.common.config.ClientSettings;
import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.dashboard.web.DashboardSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the long-lived service commands (preprocess, trainer, evaluator) share: every key of the
 * service's typed config is an option {@code --<key>=<value>} (or {@code --<key> <value>}), made
 * from the {@link ConfigKey} declarations so {@code --help} lists each with its doc and default; an
 * optional {@code --config-file} of the same keys. The client settings of the pass-through ({@link
 * ClientSettings}: {@code --kafka.<property>}, {@code --schema.registry.<setting>}) are options
 * too, not listed by {@code --help}. Precedence: option, then {@code STREAMTUNE_*} variable, then
 * the file, then the key's default.
 */
abstract class ServiceCommand implements Callable<Integer> {

  /** The short names the service options had before every key became one; kept for scripts. */
  private static final Map<ConfigKey<?>, String> ALIASES =
      Map.of(
          CommonKeys.BOOTSTRAP_SERVERS, "--bootstrap-servers",
          CommonKeys.SCHEMA_REGISTRY_URL, "--schema-registry-url",
          CommonKeys.TOPIC_PREFIX, "--topic-prefix",
          CommonKeys.PIPELINE_SPEC, "--pipeline",
          DashboardSettings.TOKEN, "--token");

  @Spec CommandSpec spec;

  @Option(
      names = "--config-file",
      paramLabel = "FILE",
      description =
          "Java properties file of configuration keys (key=value); options and STREAMTUNE_*"
              + " variables override it")
  Path configFile;

  /** Builds the service from its configuration and runs it until it stops. */
  @FunctionalInterface
  interface Runner {
    int run(ConfigSource source) throws Exception;
  }

  private final List<ConfigKey<?>> keys;
  private final Runner runner;

  /**
   * @param keys every key of the service's typed config (what its {@code from(ConfigSource)} reads)
   */
  ServiceCommand(List<ConfigKey<?>> keys, Runner runner) {
    this.keys = List.copyOf(keys);
    this.runner = runner;
  }

  final List<ConfigKey<?>> keys() {
    return keys;
  }

  @Override
  public final Integer call() throws Exception {
    return runner.run(configSource(System.getenv()));
  }

  /** The file's values under {@code environment}'s under the options given on the command line. */
  ConfigSource configSource(Map<String, String> environment) {
    Map<String, String> file =
        configFile == null ? Map.of() : ConfigSource.readFile(configFile, keys());
    return ConfigSource.of(file, environment, optionValues());
  }

  private Map<String, String> optionValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : keys()) {
      OptionSpec option = spec.findOption(key.option());
      if (option != null && option.getValue() != null) {
        values.put(key.name(), option.getValue());
      }
    }
    for (String name : passThroughKeyNames()) {
      OptionSpec option = spec.findOption("--" + name);
      if (option != null && option.getValue() != null) {
        values.put(name, option.getValue());
      }
    }
    return values;
  }

  private static List<String> passThroughKeyNames() {
    List<String> names = new java.util.ArrayList<>(ClientSettings.kafkaKeyNames());
    names.addAll(ClientSettings.registryKeyNames());
    return names;
  }

  /**
   * Adds one option per key to {@code command}, before anything is parsed. Values stay strings: the
   * typed config parses and checks them, with the same messages as for variables.
   */
  static void addKeyOptions(CommandSpec command, List<ConfigKey<?>> keys) {
    command
        .usageMessage()
        .footer(
            "",
            "Every key is an option --<key>=<value> or --<key> <value>. Precedence: option,"
                + " STREAMTUNE_* variable, --config-file, default (README.md, Configuration).",
            "Kafka and schema-registry client settings (SASL, TLS, registry authentication) pass"
                + " through as --kafka.<client property> and --schema.registry.<setting>, or"
                + " STREAMTUNE_KAFKA_* and STREAMTUNE_SCHEMA_REGISTRY_* variables.");
    for (ConfigKey<?> key : keys) {
      String alias = ALIASES.get(key);
      String[] names =
          alias == null ? new String[] {key.option()} : new String[] {key.option(), alias};
      command.addOption(
          OptionSpec.builder(names)
              .type(String.class)
              .paramLabel("<value>")
              // picocli formats descriptions: a literal % must be doubled
              .description(
                  key.help().stream().map(l -> l.replace("%", "%%")).toArray(String[]::new))
              .build());
    }
    for (String name : passThroughKeyNames()) {
      command.addOption(
          OptionSpec.builder("--" + name)
              .type(String.class)
              .paramLabel("<value>")
              .hidden(true)
              .description("client setting " + name)
              .build());
    }
  }

  /**
   * An unknown {@code --x.y} on a service command: one line naming it and the allowed keys, exit
   * code 2, instead of picocli's usage dump; other parse errors go to {@code fallback}.
   */
  static CommandLine.IParameterExceptionHandler unknownKeyHandler(
      CommandLine.IParameterExceptionHandler fallback) {
    return (exception, args) -> {
      CommandLine command = exception.getCommandLine();
      if (exception instanceof CommandLine.UnmatchedArgumentException unmatched
          && command.getCommand() instanceof ServiceCommand service) {
        String first = unmatched.getUnmatched().isEmpty() ? "?" : unmatched.getUnmatched().get(0);
        String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
        command
            .getErr()
            .println(
                "streamtune "
                    + command.getCommandName()
                    + ": unknown option '"
                    + option
                    + "'; allowed keys (each as --<key>=<value>, listed with defaults by --help): "
                    + service.keys().stream().map(ConfigKey::name).collect(Collectors.joining(", "))
                    + "; and kafka.<Kafka client property>, schema.registry.<registry client"
                    + " setting>");
        return 2;
      }
      return fallback.handleParseException(exception, args);
    };
  }
}
