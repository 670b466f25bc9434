package io.streamtune.trainer;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The trainer's configuration: where Kafka and the model store are, and how to train.
 *
 * @param threads PyTorch intra-op threads; applied only if the engine has not started yet in this
 *     JVM (an in-process launcher sets {@code ai.djl.pytorch.num_threads} itself)
 * @param onUnreadableSnapshot what a start does when the last version's buffer snapshot cannot be
 *     read
 * @param shutdownTimeout how long a stop may take ({@code service.shutdown.timeout.ms}): the loop
 *     is woken and every Kafka client closed within it, whatever state the broker is in
 */
public record TrainerConfig(
    KafkaConnection kafka,
    PipelineSpec spec,
    Path modelStore,
    String consumerGroup,
    DeviceKind device,
    int threads,
    Duration pollTimeout,
    UnreadableSnapshot onUnreadableSnapshot,
    Duration shutdownTimeout) {

  /** What a start does when the last version's buffer snapshot cannot be read. */
  public enum UnreadableSnapshot {
    /** Refuse to start, naming the version and the file: an operator decides. */
    FAIL,
    /**
     * Start with an empty buffer; the snapshot's examples are lost to training (their offsets are
     * committed), so a dead-letter record says so.
     */
    EMPTY
  }

  public static final ConfigKey<String> MODEL_STORE =
      ConfigKey.string(
          "trainer.model.store",
          "model-store",
          "Directory of the model store (versions live here)");
  public static final ConfigKey<String> CONSUMER_GROUP =
      ConfigKey.string(
          "trainer.consumer.group",
          "streamtune-trainer",
          "Consumer group of the trainer on the examples.train topic");
  public static final ConfigKey<DeviceKind> DEVICE =
      ConfigKey.enumKey(
          "trainer.device", DeviceKind.class, DeviceKind.AUTO, "Where to train: auto|cpu|gpu");
  public static final ConfigKey<Integer> THREADS =
      ConfigKey.integer(
          "trainer.threads",
          // All of them, as PyTorch itself does: SmallCnn trains 1.2-1.4x faster than PyTorch 1.13
          // at 2 threads on 2 cores but 0.7-0.8x at 1 (docs/benchmarks.md).
          Runtime.getRuntime().availableProcessors(),
          "PyTorch intra-op threads (>= 1); default: the processors available to the JVM");
  public static final ConfigKey<Long> POLL_TIMEOUT_MS =
      ConfigKey.longKey(
          "trainer.poll.timeout.ms", 200, "Longest wait of one Kafka poll in milliseconds (>= 1)");

  public static final ConfigKey<UnreadableSnapshot> ON_UNREADABLE_SNAPSHOT =
      ConfigKey.enumKey(
          "trainer.buffer.on.unreadable.snapshot",
          UnreadableSnapshot.class,
          UnreadableSnapshot.FAIL,
          "When the last version's buffer snapshot cannot be read at start: fail|empty");

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          CommonKeys.BOOTSTRAP_SERVERS,
          CommonKeys.SCHEMA_REGISTRY_URL,
          CommonKeys.TOPIC_PREFIX,
          CommonKeys.PIPELINE_SPEC,
          MODEL_STORE,
          CONSUMER_GROUP,
          DEVICE,
          THREADS,
          POLL_TIMEOUT_MS,
          ON_UNREADABLE_SNAPSHOT,
          CommonKeys.SHUTDOWN_TIMEOUT_MS);

  public TrainerConfig {
    if (kafka == null || spec == null || modelStore == null || device == null) {
      throw new ConfigException("trainer config needs kafka, spec, modelStore and device");
    }
    if (onUnreadableSnapshot == null) {
      throw new ConfigException(
          "configuration key '"
              + ON_UNREADABLE_SNAPSHOT.name()
              + "' must be set; allowed values: "
              + ON_UNREADABLE_SNAPSHOT.allowed());
    }
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw new ConfigException(
          "configuration key '" + CONSUMER_GROUP.name() + "' must not be blank");
    }
    if (threads < 1) {
      throw new ConfigException(
          "configuration key '" + THREADS.name() + "' must be >= 1, got " + threads);
    }
    if (pollTimeout == null || pollTimeout.toMillis() < 1) {
      throw new ConfigException(
          "configuration key '"
              + POLL_TIMEOUT_MS.name()
              + "' must be >= 1 ms, got "
              + (pollTimeout == null ? null : pollTimeout.toMillis()));
    }
    CommonKeys.checkShutdownTimeout(shutdownTimeout);
  }

  /** Reads every key (environment or overrides), then loads the pipeline spec it names. */
  public static TrainerConfig from(ConfigSource source) {
    KafkaConnection kafka = KafkaConnection.from(source);
    String modelStore = source.get(MODEL_STORE);
    String consumerGroup = source.get(CONSUMER_GROUP);
    DeviceKind device = source.get(DEVICE);
    int threads = source.get(THREADS);
    long pollTimeoutMs = source.get(POLL_TIMEOUT_MS);
    UnreadableSnapshot onUnreadableSnapshot = source.get(ON_UNREADABLE_SNAPSHOT);
    Duration shutdownTimeout = CommonKeys.shutdownTimeout(source);
    source.rejectUnknown(KEYS);
    PipelineSpec spec = CommonKeys.loadPipelineSpec(source);
    return new TrainerConfig(
        kafka,
        spec,
        Path.of(modelStore),
        consumerGroup,
        device,
        threads,
        Duration.ofMillis(pollTimeoutMs),
        onUnreadableSnapshot,
        shutdownTimeout);
  }

  /** For a launcher that holds the spec in memory; other settings take their defaults. */
  public static TrainerConfig of(KafkaConnection kafka, PipelineSpec spec, Path modelStore) {
    PipelineSpecs.validate(spec, "pipeline spec '" + spec.name() + "'");
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        CONSUMER_GROUP.defaultValue(),
        DEVICE.defaultValue(),
        THREADS.defaultValue(),
        Duration.ofMillis(POLL_TIMEOUT_MS.defaultValue()),
        ON_UNREADABLE_SNAPSHOT.defaultValue(),
        Duration.ofMillis(CommonKeys.SHUTDOWN_TIMEOUT_MS.defaultValue()));
  }

  public TrainerConfig withConsumerGroup(String group) {
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        group,
        device,
        threads,
        pollTimeout,
        onUnreadableSnapshot,
        shutdownTimeout);
  }

  public TrainerConfig withDevice(DeviceKind choice) {
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        consumerGroup,
        choice,
        threads,
        pollTimeout,
        onUnreadableSnapshot,
        shutdownTimeout);
  }

  public TrainerConfig withThreads(int count) {
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        consumerGroup,
        device,
        count,
        pollTimeout,
        onUnreadableSnapshot,
        shutdownTimeout);
  }

  public TrainerConfig withPollTimeout(Duration timeout) {
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        consumerGroup,
        device,
        threads,
        timeout,
        onUnreadableSnapshot,
        shutdownTimeout);
  }

  public TrainerConfig withOnUnreadableSnapshot(UnreadableSnapshot policy) {
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        consumerGroup,
        device,
        threads,
        pollTimeout,
        policy,
        shutdownTimeout);
  }

  /** How long a stop may take: the loop is woken and every client closed within it. */
  public TrainerConfig withShutdownTimeout(Duration timeout) {
    return new TrainerConfig(
        kafka,
        spec,
        modelStore,
        consumerGroup,
        device,
        threads,
        pollTimeout,
        onUnreadableSnapshot,
        timeout);
  }
}
