package io.streamtune.launcher;

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
        TrainerConfig.KEYS,
        source -> {
          TrainerConfig config = TrainerConfig.from(source);
          return ServiceRunner.runUntilShutdown(
              "trainer", new TrainerService(config), config.shutdownTimeout());
        });
  }
}
