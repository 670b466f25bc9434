package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.evaluator.EvaluatorService;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing side of a pipeline in one JVM, against any Kafka + schema registry: the
 * preprocessing job on a Flink MiniCluster, the trainer and the evaluator on their own threads.
 */
public final class LocalPipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

  private final JobClient preprocessJob;
  private final TrainerService trainer;
  private final EvaluatorService evaluator;
  private final Thread trainerThread;
  private final Thread evaluatorThread;

  private LocalPipeline(
      JobClient preprocessJob, TrainerService trainer, EvaluatorService evaluator) {
    this.preprocessJob = preprocessJob;
    this.trainer = trainer;
    this.evaluator = evaluator;
    this.trainerThread = new Thread(trainer, "streamtune-trainer");
    this.evaluatorThread = new Thread(evaluator, "streamtune-evaluator");
    trainerThread.start();
    evaluatorThread.start();
  }

  /**
   * @param parallelism Flink parallelism of the preprocessing job
   */
  public static LocalPipeline start(
      KafkaConnection kafka, PipelineSpec spec, Path modelStore, int parallelism) throws Exception {
    StreamExecutionEnvironment env = PreprocessJob.localEnvironment(parallelism);
    JobClient job =
        PreprocessJob.start(env, PreprocessConfig.of(kafka, spec).withParallelism(parallelism));
    TrainerService trainer = null;
    try {
      trainer = new TrainerService(TrainerConfig.of(kafka, spec, modelStore));
      EvaluatorService evaluator =
          new EvaluatorService(EvaluatorConfig.of(kafka, spec).withModelStore(modelStore));
      return new LocalPipeline(job, trainer, evaluator);
    } catch (RuntimeException e) {
      if (trainer != null) {
        trainer.close();
      }
      job.cancel().get(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  public TrainerService trainer() {
    return trainer;
  }

  public EvaluatorService evaluator() {
    return evaluator;
  }

  /** Stops trainer and evaluator, then cancels the Flink job (which stops its MiniCluster). */
  @Override
  public void close() {
    trainer.close();
    evaluator.close();
    join(trainerThread, Duration.ofSeconds(30));
    join(evaluatorThread, Duration.ofSeconds(30));
    try {
      preprocessJob.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not cancel the preprocessing job cleanly: {}", e.toString());
    }
  }

  private static void join(Thread thread, Duration timeout) {
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{} did not stop within {}", thread.getName(), timeout);
    }
  }
}
