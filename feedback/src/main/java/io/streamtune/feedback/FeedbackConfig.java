package io.streamtune.feedback;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.feedback.drift.Adwin;
import io.streamtune.feedback.drift.ErrorRateMonitor;
import io.streamtune.feedback.drift.PageHinkley;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the feedback application is configured with.
 *
 * @param applicationId the Kafka Streams application id: consumer group, prefix of its internal
 *     topics and transactional ids
 * @param stateDir where Kafka Streams keeps its local state stores
 * @param stateStore RocksDB (on disk, fast restarts) or memory (rebuilt from the changelogs at
 *     start; what the TopologyTestDriver tests use, as RocksDB flushes at every test commit)
 * @param joinWindow how much later than its request (or prediction) a label may arrive and still be
 *     joined
 * @param joinGrace how late, out of order, a record may arrive for a window (joins and metrics)
 * @param tumbling size of the tumbling metrics windows
 * @param sliding size of the sliding metrics windows (they advance by {@code tumbling})
 * @param drift the concept-drift detectors' settings
 * @param labelDriftWindow labels in each window of the label-distribution test
 * @param labelDriftThreshold PSI above which the label distribution drifted
 * @param rollbackAlpha significance of the rollback test
 * @param rollbackMinPairs labelled champion/shadow pairs before a rollback test
 */
public record FeedbackConfig(
    KafkaConnection kafka,
    PipelineSpec spec,
    String applicationId,
    Path stateDir,
    StateStore stateStore,
    Duration joinWindow,
    Duration joinGrace,
    Duration tumbling,
    Duration sliding,
    ErrorRateMonitor.Settings drift,
    int labelDriftWindow,
    double labelDriftThreshold,
    double rollbackAlpha,
    int rollbackMinPairs,
    Duration shutdownTimeout) {

  public static final ConfigKey<String> APPLICATION_ID =
      ConfigKey.string(
          "feedback.application.id",
          "streamtune-feedback",
          "Kafka Streams application id of the feedback app (its consumer group and the prefix"
              + " of its internal topics)");
  public static final ConfigKey<String> STATE_DIR =
      ConfigKey.string(
          "feedback.state.dir",
          "feedback-state",
          "Directory of the feedback app's local state stores");

  /** Where the state stores live. */
  public enum StateStore {
    ROCKSDB,
    MEMORY
  }

  public static final ConfigKey<StateStore> STATE_STORE =
      ConfigKey.enumKey(
          "feedback.state.store",
          StateStore.class,
          StateStore.ROCKSDB,
          "Kind of the feedback app's state stores: rocksdb (on disk) or memory (rebuilt from"
              + " their changelog topics at every start)");
  public static final ConfigKey<Long> JOIN_WINDOW_MS =
      ConfigKey.longKey(
          "feedback.join.window.ms",
          600_000,
          "How much later than its request a label may arrive and still be joined (at least 1)");
  public static final ConfigKey<Long> JOIN_GRACE_MS =
      ConfigKey.longKey(
          "feedback.join.grace.ms",
          60_000,
          "How late, out of order, a record may come for its join or metrics window (at least 0)");
  public static final ConfigKey<Long> METRICS_TUMBLING_MS =
      ConfigKey.longKey(
          "feedback.metrics.tumbling.ms",
          60_000,
          "Size of the tumbling online-metrics windows (at least 1)");
  public static final ConfigKey<Long> METRICS_SLIDING_MS =
      ConfigKey.longKey(
          "feedback.metrics.sliding.ms",
          300_000,
          "Size of the sliding online-metrics windows, which advance by the tumbling size (a"
              + " multiple of feedback.metrics.tumbling.ms)");
  public static final ConfigKey<Double> ADWIN_DELTA =
      ConfigKey.decimal(
          "feedback.drift.adwin.delta", Adwin.DEFAULT_DELTA, "ADWIN's confidence δ (in (0, 1))");
  public static final ConfigKey<Double> PH_DELTA =
      ConfigKey.decimal(
          "feedback.drift.ph.delta",
          PageHinkley.DEFAULT_DELTA,
          "Page-Hinkley's tolerated change δ (at least 0)");
  public static final ConfigKey<Double> PH_LAMBDA =
      ConfigKey.decimal(
          "feedback.drift.ph.lambda",
          PageHinkley.DEFAULT_LAMBDA,
          "Page-Hinkley's threshold λ (positive)");
  public static final ConfigKey<Double> PH_ALPHA =
      ConfigKey.decimal(
          "feedback.drift.ph.alpha",
          PageHinkley.DEFAULT_ALPHA,
          "Page-Hinkley's fading factor α (in (0, 1])");
  public static final ConfigKey<Integer> PH_MIN_INSTANCES =
      ConfigKey.integer(
          "feedback.drift.ph.min.instances",
          PageHinkley.DEFAULT_MIN_INSTANCES,
          "Labelled predictions before Page-Hinkley may signal (at least 0)");
  public static final ConfigKey<Integer> LABEL_DRIFT_WINDOW =
      ConfigKey.integer(
          "feedback.labeldrift.window",
          500,
          "Labels in each window of the label-distribution drift test (at least 1)");
  public static final ConfigKey<Double> LABEL_DRIFT_THRESHOLD =
      ConfigKey.decimal(
          "feedback.labeldrift.threshold",
          0.2,
          "PSI between the reference and the recent label distribution above which the labels"
              + " drifted (positive)");
  public static final ConfigKey<Double> ROLLBACK_ALPHA =
      ConfigKey.decimal(
          "feedback.rollback.alpha",
          0.01,
          "Significance of McNemar's test that rolls a worse new champion back (in (0, 1))");
  public static final ConfigKey<Integer> ROLLBACK_MIN_PAIRS =
      ConfigKey.integer(
          "feedback.rollback.min.pairs",
          200,
          "Labelled records scored by both the champion and its predecessor before a rollback"
              + " test (at least 1)");

  public static final List<ConfigKey<?>> KEYS = keys();

  private static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>(CommonKeys.ALL);
    keys.addAll(
        List.of(
            APPLICATION_ID,
            STATE_DIR,
            STATE_STORE,
            JOIN_WINDOW_MS,
            JOIN_GRACE_MS,
            METRICS_TUMBLING_MS,
            METRICS_SLIDING_MS,
            ADWIN_DELTA,
            PH_DELTA,
            PH_LAMBDA,
            PH_ALPHA,
            PH_MIN_INSTANCES,
            LABEL_DRIFT_WINDOW,
            LABEL_DRIFT_THRESHOLD,
            ROLLBACK_ALPHA,
            ROLLBACK_MIN_PAIRS,
            CommonKeys.SHUTDOWN_TIMEOUT_MS));
    return List.copyOf(keys);
  }

  public FeedbackConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(drift, "drift");
    if (applicationId == null || applicationId.isBlank()) {
      throw ConfigException.invalid(APPLICATION_ID, applicationId, "must not be blank");
    }
    if (stateDir == null) {
      throw ConfigException.invalid(STATE_DIR, null, "must be a directory");
    }
    Objects.requireNonNull(stateStore, "stateStore");
    requireAtLeast(JOIN_WINDOW_MS, joinWindow, 1);
    requireAtLeast(JOIN_GRACE_MS, joinGrace, 0);
    requireAtLeast(METRICS_TUMBLING_MS, tumbling, 1);
    requireAtLeast(METRICS_SLIDING_MS, sliding, 1);
    if (sliding.toMillis() % tumbling.toMillis() != 0) {
      throw ConfigException.invalid(
          METRICS_SLIDING_MS,
          sliding.toMillis(),
          "must be a multiple of feedback.metrics.tumbling.ms (" + tumbling.toMillis() + ")");
    }
    if (!(drift.adwinDelta() > 0 && drift.adwinDelta() < 1)) {
      throw ConfigException.invalid(ADWIN_DELTA, drift.adwinDelta(), "must be in (0, 1)");
    }
    if (!(drift.phDelta() >= 0)) {
      throw ConfigException.invalid(PH_DELTA, drift.phDelta(), "must be at least 0");
    }
    if (!(drift.phLambda() > 0)) {
      throw ConfigException.invalid(PH_LAMBDA, drift.phLambda(), "must be positive");
    }
    if (!(drift.phAlpha() > 0 && drift.phAlpha() <= 1)) {
      throw ConfigException.invalid(PH_ALPHA, drift.phAlpha(), "must be in (0, 1]");
    }
    if (drift.phMinInstances() < 0) {
      throw ConfigException.invalid(PH_MIN_INSTANCES, drift.phMinInstances(), "must be at least 0");
    }
    if (labelDriftWindow < 1) {
      throw ConfigException.invalid(LABEL_DRIFT_WINDOW, labelDriftWindow, "must be at least 1");
    }
    if (!(labelDriftThreshold > 0)) {
      throw ConfigException.invalid(LABEL_DRIFT_THRESHOLD, labelDriftThreshold, "must be positive");
    }
    if (!(rollbackAlpha > 0 && rollbackAlpha < 1)) {
      throw ConfigException.invalid(ROLLBACK_ALPHA, rollbackAlpha, "must be in (0, 1)");
    }
    if (rollbackMinPairs < 1) {
      throw ConfigException.invalid(ROLLBACK_MIN_PAIRS, rollbackMinPairs, "must be at least 1");
    }
    CommonKeys.checkShutdownTimeout(shutdownTimeout);
  }

  private static void requireAtLeast(ConfigKey<Long> key, Duration value, long min) {
    if (value == null || value.toMillis() < min) {
      throw ConfigException.invalid(
          key, value == null ? null : value.toMillis(), "must be at least " + min + " ms");
    }
  }

  /** Reads every key, loads the pipeline spec named by {@code pipeline.spec}. */
  public static FeedbackConfig from(ConfigSource source) {
    KafkaConnection kafka = KafkaConnection.from(source);
    String applicationId = source.get(APPLICATION_ID);
    Path stateDir = Path.of(source.get(STATE_DIR));
    StateStore stateStore = source.get(STATE_STORE);
    long joinWindow = source.get(JOIN_WINDOW_MS);
    long joinGrace = source.get(JOIN_GRACE_MS);
    long tumbling = source.get(METRICS_TUMBLING_MS);
    long sliding = source.get(METRICS_SLIDING_MS);
    ErrorRateMonitor.Settings drift =
        new ErrorRateMonitor.Settings(
            source.get(ADWIN_DELTA),
            source.get(PH_DELTA),
            source.get(PH_LAMBDA),
            source.get(PH_ALPHA),
            source.get(PH_MIN_INSTANCES));
    int labelWindow = source.get(LABEL_DRIFT_WINDOW);
    double labelThreshold = source.get(LABEL_DRIFT_THRESHOLD);
    double alpha = source.get(ROLLBACK_ALPHA);
    int minPairs = source.get(ROLLBACK_MIN_PAIRS);
    Duration shutdownTimeout = CommonKeys.shutdownTimeout(source);
    source.rejectUnknown(KEYS);
    PipelineSpec spec = CommonKeys.loadPipelineSpec(source);
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        stateStore,
        Duration.ofMillis(joinWindow),
        Duration.ofMillis(joinGrace),
        Duration.ofMillis(tumbling),
        Duration.ofMillis(sliding),
        drift,
        labelWindow,
        labelThreshold,
        alpha,
        minPairs,
        shutdownTimeout);
  }

  /** For a spec held in memory (the launcher's demo, tests), with every default. */
  public static FeedbackConfig of(KafkaConnection kafka, PipelineSpec spec, Path stateDir) {
    return new FeedbackConfig(
        kafka,
        spec,
        APPLICATION_ID.defaultValue(),
        stateDir,
        STATE_STORE.defaultValue(),
        Duration.ofMillis(JOIN_WINDOW_MS.defaultValue()),
        Duration.ofMillis(JOIN_GRACE_MS.defaultValue()),
        Duration.ofMillis(METRICS_TUMBLING_MS.defaultValue()),
        Duration.ofMillis(METRICS_SLIDING_MS.defaultValue()),
        ErrorRateMonitor.Settings.defaults(),
        LABEL_DRIFT_WINDOW.defaultValue(),
        LABEL_DRIFT_THRESHOLD.defaultValue(),
        ROLLBACK_ALPHA.defaultValue(),
        ROLLBACK_MIN_PAIRS.defaultValue(),
        Duration.ofMillis(CommonKeys.SHUTDOWN_TIMEOUT_MS.defaultValue()));
  }

  /** The model all of this pipeline's predictions, versions and requests are about. */
  public String modelId() {
    return spec.name();
  }

  public FeedbackConfig withStateStore(StateStore kind) {
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        kind,
        joinWindow,
        joinGrace,
        tumbling,
        sliding,
        drift,
        labelDriftWindow,
        labelDriftThreshold,
        rollbackAlpha,
        rollbackMinPairs,
        shutdownTimeout);
  }

  public FeedbackConfig withApplicationId(String id) {
    return new FeedbackConfig(
        kafka,
        spec,
        id,
        stateDir,
        stateStore,
        joinWindow,
        joinGrace,
        tumbling,
        sliding,
        drift,
        labelDriftWindow,
        labelDriftThreshold,
        rollbackAlpha,
        rollbackMinPairs,
        shutdownTimeout);
  }

  public FeedbackConfig withJoin(Duration window, Duration grace) {
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        stateStore,
        window,
        grace,
        tumbling,
        sliding,
        drift,
        labelDriftWindow,
        labelDriftThreshold,
        rollbackAlpha,
        rollbackMinPairs,
        shutdownTimeout);
  }

  public FeedbackConfig withMetricsWindows(Duration tumblingSize, Duration slidingSize) {
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        stateStore,
        joinWindow,
        joinGrace,
        tumblingSize,
        slidingSize,
        drift,
        labelDriftWindow,
        labelDriftThreshold,
        rollbackAlpha,
        rollbackMinPairs,
        shutdownTimeout);
  }

  public FeedbackConfig withLabelDrift(int window, double threshold) {
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        stateStore,
        joinWindow,
        joinGrace,
        tumbling,
        sliding,
        drift,
        window,
        threshold,
        rollbackAlpha,
        rollbackMinPairs,
        shutdownTimeout);
  }

  public FeedbackConfig withRollback(double alpha, int minPairs) {
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        stateStore,
        joinWindow,
        joinGrace,
        tumbling,
        sliding,
        drift,
        labelDriftWindow,
        labelDriftThreshold,
        alpha,
        minPairs,
        shutdownTimeout);
  }

  public FeedbackConfig withShutdownTimeout(Duration timeout) {
    return new FeedbackConfig(
        kafka,
        spec,
        applicationId,
        stateDir,
        stateStore,
        joinWindow,
        joinGrace,
        tumbling,
        sliding,
        drift,
        labelDriftWindow,
        labelDriftThreshold,
        rollbackAlpha,
        rollbackMinPairs,
        timeout);
  }
}
