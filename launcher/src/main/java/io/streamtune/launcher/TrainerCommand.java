package io.streamtune.launcher;

import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "Run the trainer: buffer examples.train, train a version every N examples, publish ModelVersions.",
      "Configured by STREAMTUNE_* variables (README.md, Configuration) and these options."
    })
final class TrainerCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--pipeline", description = "Pipeline spec YAML (env STREAMTUNE_PIPELINE_SPEC)")
  Path pipeline;

  @Override
  public Integer call() {
    TrainerConfig config =
        TrainerConfig.from(kafka.configSource(ServiceRunner.pipelineOverride(pipeline)));
    return ServiceRunner.runUntilShutdown("trainer", new TrainerService(config));
  }
}
