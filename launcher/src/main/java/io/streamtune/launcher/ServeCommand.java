package io.streamtune.launcher;

import io.streamtune.serve.ServeConfig;
import io.streamtune.serve.ServeService;
import picocli.CommandLine.Command;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Run the serve service: answer requests with the champion model, exactly once to predictions (and POST /predict over HTTP).")
final class ServeCommand extends ServiceCommand {
  ServeCommand() {
    super(
        ServeConfig.KEYS,
        source -> {
          ServeConfig config = ServeConfig.from(source);
          return ServiceRunner.runUntilShutdown(
              "serve", new ServeService(config), config.shutdownTimeout());
        });
  }
}
