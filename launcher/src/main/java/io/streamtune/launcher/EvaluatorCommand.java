package io.streamtune.launcher;

import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.evaluator.EvaluatorService;
import picocli.CommandLine.Command;

@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    description =
        "Run the evaluator: score every ModelVersion on examples.holdout, gate it, publish EvaluationReports.")
final class EvaluatorCommand extends ServiceCommand {
  EvaluatorCommand() {
    super(
        EvaluatorConfig.KEYS,
        source -> {
          EvaluatorConfig config = EvaluatorConfig.from(source);
          return ServiceRunner.runUntilShutdown(
              "evaluator", new EvaluatorService(config), config.shutdownTimeout());
        });
  }
}
