package io.streamtune.launcher;

import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.evaluator.EvaluatorService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    description = {
      "Run the evaluator: score every ModelVersion on examples.holdout, gate it, publish EvaluationReports.",
      "Configured by STREAMTUNE_* variables (README.md, Configuration) and these options."
    })
final class EvaluatorCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--pipeline", description = "Pipeline spec YAML (env STREAMTUNE_PIPELINE_SPEC)")
  Path pipeline;

  @Override
  public Integer call() {
    EvaluatorConfig config =
        EvaluatorConfig.from(kafka.configSource(ServiceRunner.pipelineOverride(pipeline)));
    return ServiceRunner.runUntilShutdown("evaluator", new EvaluatorService(config));
  }
}
