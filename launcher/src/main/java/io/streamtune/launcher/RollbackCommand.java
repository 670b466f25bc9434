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
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Promote a published model version again: its ModelVersion to models.promoted and a"
            + " rollback report to metrics.")
final class RollbackCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;
  @Mixin ModelOptions model;

  @Option(names = "--to", required = true, paramLabel = "V", description = "Version to promote")
  int version;

  @Override
  public Integer call() {
    ConfigSource source = kafka.configSource(Map.of());
    KafkaConnection connection = KafkaConnection.from(source);
    String modelId = model.modelId(source);
    try {
      ManualActions.Rollback rollback =
          ManualActions.rollback(connection, modelId, version, Clock.systemUTC());
      spec.commandLine()
          .getOut()
          .printf(
              "model %s: v%d promoted again (was v%s)%n",
              modelId,
              rollback.restored().getVersion(),
              rollback.report().getChampionVersion() == null
                  ? "?"
                  : rollback.report().getChampionVersion());
      return 0;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("streamtune rollback: " + e.getMessage());
      return 2;
    }
  }
}
