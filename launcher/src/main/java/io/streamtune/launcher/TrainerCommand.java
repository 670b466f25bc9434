package io.streamtune.launcher;

import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "Run the trainer: buffer examples.train, train a version every N examples, publish ModelVersions.",
      "Every configuration key is an option --<key>=<value> (README.md, Configuration)."
    })
final class TrainerCommand extends ServiceCommand {

  @Override
  List<ConfigKey<?>> keys() {
    return TrainerConfig.KEYS;
  }

  @Override
  int run(ConfigSource source) {
    return ServiceRunner.runUntilShutdown(
        "trainer", new TrainerService(TrainerConfig.from(source)));
  }
}
