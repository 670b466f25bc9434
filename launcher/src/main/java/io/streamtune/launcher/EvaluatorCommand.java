package io.streamtune.launcher;

import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.evaluator.EvaluatorService;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    description = {
      "Run the evaluator: score every ModelVersion on examples.holdout, gate it, publish EvaluationReports.",
      "Every configuration key is an option --<key>=<value> (README.md, Configuration)."
    })
final class EvaluatorCommand extends ServiceCommand {

  @Override
  List<ConfigKey<?>> keys() {
    return EvaluatorConfig.KEYS;
  }

  @Override
  int run(ConfigSource source) {
    return ServiceRunner.runUntilShutdown(
        "evaluator", new EvaluatorService(EvaluatorConfig.from(source)));
  }
}
