package io.streamtune.launcher;

import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import picocli.CommandLine.Command;

@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description =
        "Run the trainer: buffer examples.train, train a version every N examples, publish ModelVersions.")
final class TrainerCommand extends ServiceCommand {
  TrainerCommand() {
    super(
        ServiceMetrics.keys(TrainerConfig.KEYS, MetricsSettings.TRAINER_PORT),
        source -> {
          TrainerConfig config =
              TrainerConfig.from(
                  ServiceMetrics.serviceSource(source, MetricsSettings.TRAINER_PORT));
          try (MetricsEndpoint metrics =
              ServiceMetrics.start("trainer", source, MetricsSettings.TRAINER_PORT)) {
            TrainerService trainer = new TrainerService(config);
            trainer.bindMetrics(metrics);
            return ServiceRunner.runUntilShutdown("trainer", trainer, config.shutdownTimeout());
          }
        });
  }
}
