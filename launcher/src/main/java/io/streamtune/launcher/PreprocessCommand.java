package io.streamtune.launcher;

import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Flink preprocessing job on a local MiniCluster until Ctrl-C.",
      "On a Flink cluster, submit io.streamtune.preprocess.PreprocessJob instead (docker-compose.yml)."
    })
final class PreprocessCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--pipeline", description = "Pipeline spec YAML (env STREAMTUNE_PIPELINE_SPEC)")
  Path pipeline;

  @Override
  public Integer call() throws Exception {
    PreprocessConfig config =
        PreprocessConfig.from(kafka.configSource(ServiceRunner.pipelineOverride(pipeline)));
    StreamExecutionEnvironment env = PreprocessJob.localEnvironment(config.parallelism());
    JobClient job = PreprocessJob.start(env, config);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> job.cancel().join(), "streamtune-preprocess-shutdown"));
    job.getJobExecutionResult().get();
    return 0;
  }
}
