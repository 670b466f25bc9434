package io.streamtune.preprocess;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the preprocess job is configured with.
 *
 * @param checkpointInterval how often Flink checkpoints; the exactly-once sinks commit (and
 *     downstream read_committed consumers see new examples) once per checkpoint
 * @param parallelism default operator parallelism (the fit/transform operator always runs as one)
 * @param consumerGroup consumer group of the raw source, and the base of the sinks' transactional
 *     id prefixes
 * @param transactionTimeout producer transaction timeout of the sinks; must not exceed the broker's
 *     {@code transaction.max.timeout.ms}
 * @param restartAttempts fixed-delay restarts before the job fails for good
 */
public record PreprocessConfig(
    KafkaConnection kafka,
    PipelineSpec spec,
    Duration checkpointInterval,
    int parallelism,
    String consumerGroup,
    Duration transactionTimeout,
    int restartAttempts,
    String checkpointDir,
    long transformPublishEvery) {

  public static final ConfigKey<Long> CHECKPOINT_INTERVAL_MS =
      ConfigKey.longKey(
          "preprocess.checkpoint.interval.ms",
          1000,
          "Flink checkpoint interval; examples become visible to read_committed consumers once"
              + " per checkpoint (at least 10)");
  public static final ConfigKey<Integer> PARALLELISM =
      ConfigKey.integer("preprocess.parallelism", 2, "Default parallelism of the job (at least 1)");
  public static final ConfigKey<String> CONSUMER_GROUP =
      ConfigKey.string(
          "preprocess.consumer.group",
          "streamtune-preprocess",
          "Consumer group of the raw source; also the base of the sinks' transactional ids");
  public static final ConfigKey<Long> TRANSACTION_TIMEOUT_MS =
      ConfigKey.longKey(
          "preprocess.transaction.timeout.ms",
          60_000,
          "Transaction timeout of the exactly-once Kafka sinks; at most the broker's"
              + " transaction.max.timeout.ms and above the checkpoint interval");
  public static final ConfigKey<Integer> RESTART_ATTEMPTS =
      ConfigKey.integer(
          "preprocess.restart.attempts",
          3,
          "Fixed-delay restarts after a failure before the job fails for good (at least 0)");

  public static final ConfigKey<String> CHECKPOINT_DIR =
      ConfigKey.string(
          "preprocess.checkpoint.dir",
          "",
          "Directory (path or file:// URI) of the job's retained checkpoints; a start resumes from"
              + " the newest one there. Empty: checkpoints live in the JobManager's memory and a lost"
              + " JVM loses the fitted statistics and resampler state");
  public static final ConfigKey<Long> TRANSFORM_PUBLISH_EVERY =
      ConfigKey.longKey(
          "preprocess.transform.publish.every",
          PreprocessConfigDefaults.TRANSFORM_PUBLISH_EVERY,
          "Training rows fitted between two versions of the fitted transform published to the"
              + " transforms topic, at most one such version per checkpoint (the first fitted"
              + " version, each doubling of the rows fitted and a frozen one are always"
              + " published; at least 1)");
  public static final List<ConfigKey<?>> KEYS = keys();

  /** Pause between restart attempts. */
  public static final Duration RESTART_DELAY = Duration.ofSeconds(2);

  private static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>(CommonKeys.ALL);
    keys.addAll(
        List.of(
            CHECKPOINT_INTERVAL_MS,
            PARALLELISM,
            CONSUMER_GROUP,
            TRANSACTION_TIMEOUT_MS,
            RESTART_ATTEMPTS,
            CHECKPOINT_DIR,
            TRANSFORM_PUBLISH_EVERY));
    return List.copyOf(keys);
  }

  public PreprocessConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(spec, "spec");
    PipelineSpecs.validate(spec, "pipeline spec '" + spec.name() + "'");
    if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
      throw ConfigException.invalid(
          CHECKPOINT_INTERVAL_MS, millis(checkpointInterval), "must be at least 10 ms");
    }
    if (parallelism < 1) {
      throw ConfigException.invalid(PARALLELISM, parallelism, "must be at least 1");
    }
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw ConfigException.invalid(CONSUMER_GROUP, consumerGroup, "must not be blank");
    }
    if (transactionTimeout == null || transactionTimeout.compareTo(checkpointInterval) <= 0) {
      throw ConfigException.invalid(
          TRANSACTION_TIMEOUT_MS,
          millis(transactionTimeout),
          "must be longer than the checkpoint interval (" + checkpointInterval.toMillis() + " ms)");
    }
    if (restartAttempts < 0) {
      throw ConfigException.invalid(RESTART_ATTEMPTS, restartAttempts, "must be at least 0");
    }
    if (checkpointDir == null
        || (checkpointDir.contains("://") && !checkpointDir.startsWith("file:"))) {
      // the newest retained checkpoint is found by listing the directory: local file systems only
      throw ConfigException.invalid(
          CHECKPOINT_DIR, checkpointDir, "must be empty, a local path or a file:// URI");
    }
    if (transformPublishEvery < 1) {
      throw ConfigException.invalid(
          TRANSFORM_PUBLISH_EVERY, transformPublishEvery, "must be at least 1");
    }
  }

  /** Reads every key and loads the pipeline spec named by {@code pipeline.spec}. */
  public static PreprocessConfig from(ConfigSource source) {
    KafkaConnection kafka = KafkaConnection.from(source);
    long checkpointMs = source.get(CHECKPOINT_INTERVAL_MS);
    int parallelism = source.get(PARALLELISM);
    String group = source.get(CONSUMER_GROUP);
    long transactionMs = source.get(TRANSACTION_TIMEOUT_MS);
    int restarts = source.get(RESTART_ATTEMPTS);
    String checkpoints = source.get(CHECKPOINT_DIR).trim();
    long publishEvery = source.get(TRANSFORM_PUBLISH_EVERY);
    source.rejectUnknown(KEYS);
    // range checks before the spec is loaded, so a bad number is reported as such
    if (checkpointMs < 10) {
      throw ConfigException.invalid(CHECKPOINT_INTERVAL_MS, checkpointMs, "must be at least 10 ms");
    }
    if (transactionMs < 1) {
      throw ConfigException.invalid(TRANSACTION_TIMEOUT_MS, transactionMs, "must be at least 1 ms");
    }
    PipelineSpec spec = CommonKeys.loadPipelineSpec(source);
    return new PreprocessConfig(
        kafka,
        spec,
        Duration.ofMillis(checkpointMs),
        parallelism,
        group,
        Duration.ofMillis(transactionMs),
        restarts,
        checkpoints,
        publishEvery);
  }

  /** For a spec held in memory (the launcher's embedded default), with default settings. */
  public static PreprocessConfig of(KafkaConnection kafka, PipelineSpec spec) {
    return new PreprocessConfig(
        kafka,
        spec,
        Duration.ofMillis(CHECKPOINT_INTERVAL_MS.defaultValue()),
        PARALLELISM.defaultValue(),
        CONSUMER_GROUP.defaultValue(),
        Duration.ofMillis(TRANSACTION_TIMEOUT_MS.defaultValue()),
        RESTART_ATTEMPTS.defaultValue(),
        CHECKPOINT_DIR.defaultValue(),
        TRANSFORM_PUBLISH_EVERY.defaultValue());
  }

  public PreprocessConfig withConsumerGroup(String group) {
    return new PreprocessConfig(
        kafka,
        spec,
        checkpointInterval,
        parallelism,
        group,
        transactionTimeout,
        restartAttempts,
        checkpointDir,
        transformPublishEvery);
  }

  public PreprocessConfig withParallelism(int newParallelism) {
    return new PreprocessConfig(
        kafka,
        spec,
        checkpointInterval,
        newParallelism,
        consumerGroup,
        transactionTimeout,
        restartAttempts,
        checkpointDir,
        transformPublishEvery);
  }

  public PreprocessConfig withCheckpointInterval(Duration interval) {
    return new PreprocessConfig(
        kafka,
        spec,
        interval,
        parallelism,
        consumerGroup,
        transactionTimeout,
        restartAttempts,
        checkpointDir,
        transformPublishEvery);
  }

  public PreprocessConfig withRestartAttempts(int attempts) {
    return new PreprocessConfig(
        kafka,
        spec,
        checkpointInterval,
        parallelism,
        consumerGroup,
        transactionTimeout,
        attempts,
        checkpointDir,
        transformPublishEvery);
  }

  /** The same settings with retained checkpoints in {@code dir} (empty: none). */
  public PreprocessConfig withCheckpointDir(String dir) {
    return new PreprocessConfig(
        kafka,
        spec,
        checkpointInterval,
        parallelism,
        consumerGroup,
        transactionTimeout,
        restartAttempts,
        dir,
        transformPublishEvery);
  }

  /** The same settings, publishing the fitted transform every {@code rows} training rows. */
  public PreprocessConfig withTransformPublishEvery(long rows) {
    return new PreprocessConfig(
        kafka,
        spec,
        checkpointInterval,
        parallelism,
        consumerGroup,
        transactionTimeout,
        restartAttempts,
        checkpointDir,
        rows);
  }

  public String transformsTransactionalIdPrefix() {
    return consumerGroup + "-transforms";
  }

  /** Transactional id prefix of the examples sink; distinct from the dead-letter sink's. */
  public String examplesTransactionalIdPrefix() {
    return consumerGroup + "-examples";
  }

  public String deadLetterTransactionalIdPrefix() {
    return consumerGroup + "-deadletter";
  }

  private static Long millis(Duration duration) {
    return duration == null ? null : duration.toMillis();
  }
}
