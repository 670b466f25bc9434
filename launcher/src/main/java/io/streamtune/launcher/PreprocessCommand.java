package io.streamtune.launcher;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;

@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Flink preprocessing job on a local MiniCluster until Ctrl-C.",
      "On a Flink cluster, submit io.streamtune.preprocess.PreprocessJob instead (docker-compose.yml)."
    })
final class PreprocessCommand extends ServiceCommand {
  PreprocessCommand() {
    super(PreprocessConfig.KEYS, PreprocessCommand::runLocally);
  }

  private static int runLocally(ConfigSource source) throws Exception {
    PreprocessConfig config = PreprocessConfig.from(source);
    JobClient job =
        PreprocessJob.start(PreprocessJob.localEnvironment(config.parallelism()), config);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> job.cancel().join(), "streamtune-preprocess-shutdown"));
    job.getJobExecutionResult().get();
    return 0;
  }
}
