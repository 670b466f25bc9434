package io.streamtune.launcher;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.feedback.ManualActions;
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
    description = "Ask the trainer for a training round now: a RetrainRequest (MANUAL) to control.")
final class RetrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;
  @Mixin ModelOptions model;

  @Option(names = "--reason", description = "Why, for the request's reason")
  String reason = "manual retrain";

  @Override
  public Integer call() {
    ConfigSource source = kafka.configSource(Map.of());
    String modelId = model.modelId(source);
    ManualActions.retrain(KafkaConnection.from(source), modelId, reason, Clock.systemUTC());
    spec.commandLine().getOut().printf("model %s: retrain requested (%s)%n", modelId, reason);
    return 0;
  }
}
