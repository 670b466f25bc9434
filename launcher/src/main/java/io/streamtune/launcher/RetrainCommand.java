package io.streamtune.launcher;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.feedback.ManualActions;
import io.streamtune.schemas.avro.RetrainCause;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description =
        "Ask the trainer for a training round now: a RetrainRequest (MANUAL, or RESELECT with"
            + " --reselect) to control.")
final class RetrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;
  @Mixin ModelOptions model;

  @Option(names = "--reason", description = "Why, for the request's reason")
  String reason = "manual retrain";

  @Option(
      names = "--reselect",
      description =
          "Select the backbone again before the round (trainer.backbone: auto; a fixed backbone"
              + " just trains a round)")
  boolean reselect;

  @Override
  public Integer call() {
    ConfigSource source = kafka.configSource(Map.of());
    String modelId = model.modelId(source);
    RetrainCause cause = reselect ? RetrainCause.RESELECT : RetrainCause.MANUAL;
    ManualActions.retrain(KafkaConnection.from(source), modelId, reason, Clock.systemUTC(), cause);
    spec.commandLine()
        .getOut()
        .printf(
            "model %s: %s requested (%s)%n",
            modelId, reselect ? "reselection and retrain" : "retrain", reason);
    return 0;
  }
}
