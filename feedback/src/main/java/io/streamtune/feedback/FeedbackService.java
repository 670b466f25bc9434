package io.streamtune.feedback;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.streamtune.common.metrics.MetricsEndpoint;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feedback application as a service: {@link FeedbackApp#buildTopology} run by one {@link
 * KafkaStreams} instance, exactly once (exactly_once_v2), its state under {@code
 * feedback.state.dir}. {@link #run()} starts it and blocks until it stops; {@link #close()} stops
 * it within {@code service.shutdown.timeout.ms}. A record that cannot be deserialized becomes a
 * dead letter ({@link DeadLetteringDeserializationHandler}); any other failure stops the app and
 * makes {@link #run()} throw.
 */
public final class FeedbackService implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FeedbackService.class);

  private final FeedbackConfig config;
  private final KafkaStreams streams;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;
  private final FeedbackMeters meters = new FeedbackMeters();

  public FeedbackService(FeedbackConfig config) {
    this.config = config;
    this.streams =
        new KafkaStreams(FeedbackApp.buildTopology(config, meters), streamsProperties(config));
    streams.setUncaughtExceptionHandler(
        e -> {
          failure = e;
          LOG.error("the feedback app failed; stopping it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("feedback app: {} -> {}", before, now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
  }

  /** What the app's {@link KafkaStreams} is started with. */
  static Properties streamsProperties(FeedbackConfig config) {
    Properties props = config.kafka().clientProperties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    // an unreadable record becomes a dead letter, in the app's transaction, and the app goes on
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetteringDeserializationHandler.class);
    props.put(
        DeadLetteringDeserializationHandler.DEAD_LETTER_TOPIC,
        config.kafka().topics().name(io.streamtune.schemas.topics.Topics.DEADLETTER));
    props.put(DeadLetteringDeserializationHandler.REGISTRY_URL, config.kafka().schemaRegistryUrl());
    config.kafka().registrySettings().forEach(props::put);
    return props;
  }

  /**
   * Exports the app's meters ({@link FeedbackMeters}) and its Kafka clients' metrics (consumer lag:
   * {@code kafka_consumer_fetch_manager_records_lag_max}) on {@code endpoint}.
   */
  public void bindMetrics(MetricsEndpoint endpoint) {
    meters.bind(endpoint.registry());
    endpoint.bindClosing(new KafkaStreamsMetrics(streams));
  }

  /** Starts the app and blocks until it stops (by {@link #close()} or a failure). */
  @Override
  public void run() {
    LOG.info(
        "feedback app {} for model {} starting (state in {}, {} stores)",
        config.applicationId(),
        config.modelId(),
        config.stateDir().toAbsolutePath(),
        config.stateStore().name().toLowerCase(java.util.Locale.ROOT));
    streams.start();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException("the feedback app failed: " + failure, failure);
    }
  }

  /** Whether the app is running and has its partitions. */
  public boolean running() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Waits until the app runs, at most {@code timeoutMs}; whether it does. */
  public boolean awaitRunning(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!running()) {
      if (System.nanoTime() > deadline || stopped.getCount() == 0) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  @Override
  public void close() {
    // leaving the group hands the partitions over at once, not after the session timeout (45 s),
    // so a restarted or remaining instance picks the work up straight away
    CloseOptions options =
        CloseOptions.timeout(config.shutdownTimeout())
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    if (!streams.close(options)) {
      LOG.warn("the feedback app did not stop within {} ms", config.shutdownTimeout().toMillis());
    }
    stopped.countDown();
  }
}
