package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.metrics.MetricsSettings;
import io.streamtune.evaluator.EvaluatorConfig;
import io.streamtune.evaluator.EvaluatorService;
import io.streamtune.feedback.FeedbackConfig;
import io.streamtune.feedback.FeedbackService;
import io.streamtune.preprocess.PreprocessConfig;
import io.streamtune.preprocess.PreprocessJob;
import io.streamtune.preprocess.flink.StageMetricsReporter;
import io.streamtune.serve.ServeConfig;
import io.streamtune.serve.ServeService;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.trainer.TrainerConfig;
import io.streamtune.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private final ServeService serve;
  private final FeedbackService feedback;
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, MetricsEndpoint> metrics = new LinkedHashMap<>();

  private LocalPipeline(
      MetricsEndpoint preprocessMetrics,
      JobClient preprocessJob,
      TrainerService trainer,
      EvaluatorService evaluator,
      ServeService serve,
      FeedbackService feedback) {
    this.preprocessJob = preprocessJob;
    this.trainer = trainer;
    this.evaluator = evaluator;
    this.serve = serve;
    this.feedback = feedback;
    // each service its own endpoint, as in a deployment: one registry per service, any free port
    metrics.put("preprocess", preprocessMetrics);
    try {
      trainer.bindMetrics(endpoint("trainer"));
      evaluator.bindMetrics(endpoint("evaluator"));
      if (serve != null) {
        serve.bindMetrics(endpoint("serve"));
        feedback.bindMetrics(endpoint("feedback"));
      }
    } catch (RuntimeException | Error e) {
      // the endpoints opened here; the caller closes the services and the preprocessing side
      metrics.values().stream().filter(m -> m != preprocessMetrics).forEach(MetricsEndpoint::close);
      throw e;
    }
    start(trainer, "streamtune-trainer");
    start(evaluator, "streamtune-evaluator");
    if (serve != null) {
      start(serve, "streamtune-serve");
      start(feedback, "streamtune-feedback");
    }
  }

  private MetricsEndpoint endpoint(String service) {
    MetricsEndpoint endpoint = MetricsEndpoint.start(service, MetricsSettings.anyFreePort());
    metrics.put(service, endpoint);
    return endpoint;
  }

  /** Each embedded service's {@code /metrics} URL, by service name, in start order. */
  public Map<String, String> metricsUrls() {
    Map<String, String> urls = new LinkedHashMap<>();
    metrics.forEach((service, endpoint) -> urls.put(service, endpoint.url()));
    return urls;
  }

  private void start(Runnable service, String name) {
    Thread thread = new Thread(service, name);
    threads.add(thread);
    thread.start();
  }

  /** The preprocessing job's endpoint: the MiniCluster's reporter reports into its registry. */
  private static MetricsEndpoint preprocessMetrics() {
    MetricsEndpoint endpoint =
        MetricsEndpoint.start(StageMetricsReporter.STAGE, MetricsSettings.anyFreePort());
    StageMetricsReporter.reportTo(endpoint.registry());
    return endpoint;
  }

  private static JobClient startPreprocessing(
      KafkaConnection kafka, PipelineSpec spec, int parallelism, MetricsEndpoint metrics)
      throws Exception {
    StreamExecutionEnvironment env =
        PreprocessJob.localEnvironment(parallelism, StageMetricsReporter.CONFIGURATION);
    try {
      return PreprocessJob.start(
          env, PreprocessConfig.of(kafka, spec).withParallelism(parallelism));
    } catch (Exception | Error e) {
      metrics.close();
      throw e;
    }
  }

  /**
   * @param parallelism Flink parallelism of the preprocessing job
   */
  public static LocalPipeline start(
      KafkaConnection kafka, PipelineSpec spec, Path modelStore, int parallelism) throws Exception {
    MetricsEndpoint preprocessMetrics = preprocessMetrics();
    JobClient job = startPreprocessing(kafka, spec, parallelism, preprocessMetrics);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      TrainerService trainer =
          opened(started, new TrainerService(TrainerConfig.of(kafka, spec, modelStore)));
      EvaluatorService evaluator =
          opened(
              started,
              new EvaluatorService(EvaluatorConfig.of(kafka, spec).withModelStore(modelStore)));
      return new LocalPipeline(preprocessMetrics, job, trainer, evaluator, null, null);
    } catch (RuntimeException | Error e) {
      closeAfterFailedStart(started, job, preprocessMetrics, e);
      throw e;
    }
  }

  private static <T extends AutoCloseable> T opened(List<AutoCloseable> started, T service) {
    started.add(service);
    return service;
  }

  /**
   * Closes what a failed start opened, newest first, and cancels the preprocessing job; what fails
   * on the way is added to {@code failure} rather than hiding it.
   */
  private static void closeAfterFailedStart(
      List<AutoCloseable> started,
      JobClient job,
      MetricsEndpoint preprocessMetrics,
      Throwable failure) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
    preprocessMetrics.close();
    StageMetricsReporter.reportTo(null);
  }

  /**
   * The pipeline with the loop closed: also serve (the champion answers {@code requests}; HTTP on a
   * free loopback port) and the feedback app (late labels joined back into {@code raw}, online
   * metrics over {@code onlineWindow} tumbling windows, drift and rollback), each on its thread.
   */
  public static LocalPipeline startWithFeedbackLoop(
      KafkaConnection kafka,
      PipelineSpec spec,
      Path modelStore,
      Path feedbackState,
      int parallelism,
      Duration onlineWindow)
      throws Exception {
    MetricsEndpoint preprocessMetrics = preprocessMetrics();
    JobClient job = startPreprocessing(kafka, spec, parallelism, preprocessMetrics);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      TrainerService trainer =
          opened(started, new TrainerService(TrainerConfig.of(kafka, spec, modelStore)));
      EvaluatorService evaluator =
          opened(
              started,
              new EvaluatorService(EvaluatorConfig.of(kafka, spec).withModelStore(modelStore)));
      ServeService serve =
          opened(
              started, new ServeService(ServeConfig.of(kafka, spec, modelStore).withHttpPort(0)));
      FeedbackService feedback =
          new FeedbackService(
              FeedbackConfig.of(kafka, spec, feedbackState)
                  // the demo's stream is nearly in order: windows close 3 s after they end
                  .withJoin(
                      Duration.ofMillis(FeedbackConfig.JOIN_WINDOW_MS.defaultValue()),
                      Duration.ofSeconds(3))
                  .withMetricsWindows(onlineWindow, onlineWindow.multipliedBy(5)));
      opened(started, feedback);
      return new LocalPipeline(preprocessMetrics, job, trainer, evaluator, serve, feedback);
    } catch (RuntimeException | Error e) {
      closeAfterFailedStart(started, job, preprocessMetrics, e);
      throw e;
    }
  }

  public TrainerService trainer() {
    return trainer;
  }

  public EvaluatorService evaluator() {
    return evaluator;
  }

  /** The serve service; null without the feedback loop. */
  public ServeService serve() {
    return serve;
  }

  /** Stops trainer and evaluator, then cancels the Flink job (which stops its MiniCluster). */
  @Override
  public void close() {
    // endpoints first: a scrape sees the running pipeline, never a half-stopped one
    metrics.values().forEach(MetricsEndpoint::close);
    if (serve != null) {
      serve.close();
      feedback.close();
    }
    trainer.close();
    evaluator.close();
    threads.forEach(thread -> join(thread, Duration.ofSeconds(30)));
    try {
      preprocessJob.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not cancel the preprocessing job cleanly: {}", e.toString());
    }
    StageMetricsReporter.reportTo(null);
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
