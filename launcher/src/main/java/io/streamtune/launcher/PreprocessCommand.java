package io.streamtune.launcher;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.preprocess.flink.StageMetricsReporter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Flink preprocessing job on a local MiniCluster until Ctrl-C.",
      "On a Flink cluster, submit io.streamtune.preprocess.PreprocessJob instead (docker-compose.yml)."
    })
final class PreprocessCommand extends ServiceCommand {

  private static final Logger LOG = LoggerFactory.getLogger(PreprocessCommand.class);

  PreprocessCommand() {
    super(
        ServiceMetrics.keys(PreprocessConfig.KEYS, MetricsSettings.PREPROCESS_PORT),
        PreprocessCommand::runLocally);
  }

  private static int runLocally(ConfigSource source) throws Exception {
    PreprocessConfig config =
        PreprocessConfig.from(
            ServiceMetrics.serviceSource(source, MetricsSettings.PREPROCESS_PORT));
    // the MiniCluster's reporter counts into this endpoint's registry (left open until the JVM
    // exits: the shutdown hook cancels the job, whose last counts stay scrapeable meanwhile)
    MetricsEndpoint metrics =
        ServiceMetrics.start(StageMetricsReporter.STAGE, source, MetricsSettings.PREPROCESS_PORT);
    StageMetricsReporter.reportTo(metrics.registry());
    JobClient job =
        PreprocessJob.start(
            PreprocessJob.localEnvironment(
                config.parallelism(), StageMetricsReporter.CONFIGURATION),
            config);
    // bounded like the other services' stop (service.shutdown.timeout.ms, its default here): a
    // cancellation stuck on a gone broker does not hold the JVM
    Duration budget = Duration.ofMillis(CommonKeys.SHUTDOWN_TIMEOUT_MS.defaultValue());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> cancel(job, budget), "streamtune-preprocess-shutdown"));
    job.getJobExecutionResult().get();
    return 0;
  }

  private static void cancel(JobClient job, Duration budget) {
    LOG.info(
        "shutdown requested, cancelling the preprocessing job (at most {} ms)", budget.toMillis());
    long start = System.nanoTime();
    try {
      job.cancel().get(budget.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info(
          "the preprocessing job was cancelled {} ms after the shutdown request",
          (System.nanoTime() - start) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      LOG.warn(
          "the preprocessing job did not cancel within {} ms; exiting anyway", budget.toMillis());
    } catch (ExecutionException e) {
      LOG.warn("cancelling the preprocessing job failed: {}", e.getCause().toString());
    }
  }
}
