package io.streamtune.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code streamtune} command line. */
@Command(
    name = "streamtune",
    mixinStandardHelpOptions = true,
    versionProvider = StreamtuneCli.Version.class,
    description =
        "Continuous transfer learning on streams: Kafka -> Flink -> DJL trainer -> evaluator.",
    subcommands = {
      DemoCommand.class,
      IngestCommand.class,
      InferSpecCommand.class,
      ProfileCommand.class,
      PrepareCommand.class,
      SelectCommand.class,
      PreprocessCommand.class,
      TrainerCommand.class,
      EvaluatorCommand.class,
      ServeCommand.class,
      FeedbackCommand.class,
      RollbackCommand.class,
      RetrainCommand.class,
      StatusCommand.class,
      DashboardCommand.class,
      EmbeddedCommand.class,
      PretrainCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "The ./streamtune script (builds when sources changed, then runs):",
      "  ./streamtune --java-opts <command>  print the JVM options and class path <command> would"
          + " start with (one per line), for benchmarks",
      "  STREAMTUNE_JAVA_OPTS  extra JVM options; STREAMTUNE_CDS=off  no class-data archive;"
          + " STREAMTUNE_JIT=full  C2 for demo too"
    })
public final class StreamtuneCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreamtuneCli());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommand() instanceof ServiceCommand service) {
        ServiceCommand.addKeyOptions(sub.getCommandSpec(), service.keys());
        // key names, URLs and variable names are long; at 80 columns picocli breaks them mid-word
        sub.setUsageHelpWidth(120);
      }
    }
    // picocli calls the top-level handler for a subcommand's parse errors too
    cli.setParameterExceptionHandler(
        ServiceCommand.unknownKeyHandler(cli.getParameterExceptionHandler()));
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StreamtuneCli.class.getPackage().getImplementationVersion();
      return new String[] {"streamtune " + (version == null ? "development build" : version)};
    }
  }

  /** Known errors (bad config, bad input) print one clear line instead of a stack trace. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      if (e instanceof io.streamtune.common.config.ConfigException
          || e instanceof io.streamtune.spec.SpecException
          || e instanceof io.streamtune.ingest.IngestException
          || e instanceof java.io.UncheckedIOException) {
        commandLine.getErr().println("streamtune: " + e.getMessage());
        return 2;
      }
      commandLine.getErr().println("streamtune: failed: " + e);
      e.printStackTrace(commandLine.getErr());
      return 1;
    }
  }
}
