package io.streamtune.launcher;

import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.feedback.FeedbackConfig;
import io.streamtune.feedback.FeedbackService;
import picocli.CommandLine.Command;

@Command(
    name = "feedback",
    mixinStandardHelpOptions = true,
    description =
        "Run the feedback app (Kafka Streams): labelled requests back to raw, online metrics,"
            + " drift detection, automatic rollback of a worse new champion.")
final class FeedbackCommand extends ServiceCommand {
  FeedbackCommand() {
    super(
        ServiceMetrics.keys(FeedbackConfig.KEYS, MetricsSettings.FEEDBACK_PORT),
        source -> {
          FeedbackConfig config =
              FeedbackConfig.from(
                  ServiceMetrics.serviceSource(source, MetricsSettings.FEEDBACK_PORT));
          try (MetricsEndpoint metrics =
              ServiceMetrics.start("feedback", source, MetricsSettings.FEEDBACK_PORT)) {
            FeedbackService feedback = new FeedbackService(config);
            feedback.bindMetrics(metrics);
            return ServiceRunner.runUntilShutdown(
                "feedback app", feedback, config.shutdownTimeout());
          }
        });
  }
}
