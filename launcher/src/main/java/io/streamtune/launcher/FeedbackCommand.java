package io.streamtune.launcher;

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
        FeedbackConfig.KEYS,
        source -> {
          FeedbackConfig config = FeedbackConfig.from(source);
          return ServiceRunner.runUntilShutdown(
              "feedback app", new FeedbackService(config), config.shutdownTimeout());
        });
  }
}
