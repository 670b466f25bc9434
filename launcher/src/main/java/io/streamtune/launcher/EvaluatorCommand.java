package io.streamtune.launcher;

import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
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
        ServiceMetrics.keys(EvaluatorConfig.KEYS, MetricsSettings.EVALUATOR_PORT),
        source -> {
          EvaluatorConfig config =
              EvaluatorConfig.from(
                  ServiceMetrics.serviceSource(source, MetricsSettings.EVALUATOR_PORT));
          try (MetricsEndpoint metrics =
              ServiceMetrics.start("evaluator", source, MetricsSettings.EVALUATOR_PORT)) {
            EvaluatorService evaluator = new EvaluatorService(config);
            evaluator.bindMetrics(metrics);
            return ServiceRunner.runUntilShutdown("evaluator", evaluator, config.shutdownTimeout());
          }
        });
  }
}
