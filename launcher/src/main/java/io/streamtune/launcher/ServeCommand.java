package io.streamtune.launcher;

import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
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
        ServiceMetrics.keys(ServeConfig.KEYS, MetricsSettings.SERVE_PORT),
        source -> {
          ServeConfig config =
              ServeConfig.from(ServiceMetrics.serviceSource(source, MetricsSettings.SERVE_PORT));
          try (MetricsEndpoint metrics =
              ServiceMetrics.start("serve", source, MetricsSettings.SERVE_PORT)) {
            ServeService serve = new ServeService(config);
            serve.bindMetrics(metrics);
            return ServiceRunner.runUntilShutdown("serve", serve, config.shutdownTimeout());
          }
        });
  }
}
