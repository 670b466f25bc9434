package io.streamtune.launcher;

import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;

@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Flink preprocessing job on a local MiniCluster until Ctrl-C.",
      "On a Flink cluster, submit io.streamtune.preprocess.PreprocessJob instead (docker-compose.yml).",
      "Every configuration key is an option --<key>=<value> (README.md, Configuration)."
    })
final class PreprocessCommand extends ServiceCommand {

  @Override
  List<ConfigKey<?>> keys() {
    return PreprocessConfig.KEYS;
  }

  @Override
  int run(ConfigSource source) throws Exception {
    PreprocessConfig config = PreprocessConfig.from(source);
    StreamExecutionEnvironment env = PreprocessJob.localEnvironment(config.parallelism());
    JobClient job = PreprocessJob.start(env, config);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> job.cancel().join(), "streamtune-preprocess-shutdown"));
    job.getJobExecutionResult().get();
    return 0;
  }
}
