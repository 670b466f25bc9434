package io.streamtune.evaluator;

import io.streamtune.common.config.CommonKeys;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigKey;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything the evaluator service is configured with.
 *
 * @param consumerGroup consumer group of the models consumer, and the base of the transactional id
 *     of the report producer
 * @param holdoutMaxExamples most holdout examples kept (the oldest are dropped first)
 * @param pollTimeout how long one poll of a topic may block
 * @param holdoutWait how long a model version waits for a first holdout example before it is
 *     skipped
 * @param shutdownTimeout how long a stop may take ({@code service.shutdown.timeout.ms}): the loop
 *     is woken and every Kafka client closed within it, whatever state the broker is in
 * @param driftHoldoutKeep holdout examples kept, newest first, when a concept-drift retrain request
 *     arrives: the older ones hold the old concept and would gate every adapted version out
 */
public record EvaluatorConfig(
    KafkaConnection kafka,
    PipelineSpec spec,
    String consumerGroup,
    int holdoutMaxExamples,
    Duration pollTimeout,
    Duration holdoutWait,
    Path modelStore,
    Duration shutdownTimeout,
    int driftHoldoutKeep) {

  public static final ConfigKey<String> MODEL_STORE =
      ConfigKey.string(
          "evaluator.model.store",
          "model-store",
          "Directory of the model store (the trainer's trainer.model.store); versions are loaded"
              + " only from inside it");
  public static final ConfigKey<String> CONSUMER_GROUP =
      ConfigKey.string(
          "evaluator.consumer.group",
          "streamtune-evaluator",
          "Consumer group of the evaluator's models consumer (also the transactional id prefix)");
  public static final ConfigKey<Integer> HOLDOUT_MAX_EXAMPLES =
      ConfigKey.integer(
          "evaluator.holdout.max.examples",
          100_000,
          "Most holdout examples kept in memory; the oldest are dropped first (at least 1)");
  public static final ConfigKey<Long> POLL_TIMEOUT_MS =
      ConfigKey.longKey(
          "evaluator.poll.timeout.ms", 200, "How long one poll of a topic may block (at least 1)");
  public static final ConfigKey<Long> HOLDOUT_WAIT_MS =
      ConfigKey.longKey(
          "evaluator.holdout.wait.ms",
          30_000,
          "How long a model version waits for a first holdout example before it is skipped"
              + " (at least 0)");

  public static final ConfigKey<Integer> DRIFT_HOLDOUT_KEEP =
      ConfigKey.integer(
          "evaluator.drift.holdout.keep",
          0,
          "Holdout examples kept (the newest) when a concept-drift retrain request arrives on the"
              + " control topic; the rest hold the old concept and would gate every adapted"
              + " version out (at least 0)");

  public static final List<ConfigKey<?>> KEYS = keys();

  private static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>(CommonKeys.ALL);
    keys.addAll(
        List.of(
            MODEL_STORE,
            CONSUMER_GROUP,
            HOLDOUT_MAX_EXAMPLES,
            POLL_TIMEOUT_MS,
            HOLDOUT_WAIT_MS,
            DRIFT_HOLDOUT_KEEP,
            CommonKeys.SHUTDOWN_TIMEOUT_MS));
    return List.copyOf(keys);
  }

  public EvaluatorConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(spec, "spec");
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw ConfigException.invalid(CONSUMER_GROUP, consumerGroup, "must not be blank");
    }
    if (holdoutMaxExamples < 1) {
      throw ConfigException.invalid(HOLDOUT_MAX_EXAMPLES, holdoutMaxExamples, "must be at least 1");
    }
    if (pollTimeout == null || pollTimeout.toMillis() < 1) {
      throw ConfigException.invalid(POLL_TIMEOUT_MS, pollTimeout, "must be at least 1 ms");
    }
    if (holdoutWait == null || holdoutWait.isNegative()) {
      throw ConfigException.invalid(HOLDOUT_WAIT_MS, holdoutWait, "must be at least 0 ms");
    }
    if (modelStore == null) {
      throw ConfigException.invalid(MODEL_STORE, null, "must be a directory");
    }
    CommonKeys.checkShutdownTimeout(shutdownTimeout);
    if (driftHoldoutKeep < 0) {
      throw ConfigException.invalid(DRIFT_HOLDOUT_KEEP, driftHoldoutKeep, "must be at least 0");
    }
  }

  /** Reads every key, loads the pipeline spec named by {@code pipeline.spec}. */
  public static EvaluatorConfig from(ConfigSource source) {
    KafkaConnection kafka = KafkaConnection.from(source);
    Path store = Path.of(source.get(MODEL_STORE));
    String group = source.get(CONSUMER_GROUP);
    int maxExamples = source.get(HOLDOUT_MAX_EXAMPLES);
    long pollMs = source.get(POLL_TIMEOUT_MS);
    long waitMs = source.get(HOLDOUT_WAIT_MS);
    int driftKeep = source.get(DRIFT_HOLDOUT_KEEP);
    Duration shutdownTimeout = CommonKeys.shutdownTimeout(source);
    source.rejectUnknown(KEYS);
    if (pollMs < 1) {
      throw ConfigException.invalid(POLL_TIMEOUT_MS, pollMs, "must be at least 1 ms");
    }
    if (waitMs < 0) {
      throw ConfigException.invalid(HOLDOUT_WAIT_MS, waitMs, "must be at least 0 ms");
    }
    PipelineSpec spec = CommonKeys.loadPipelineSpec(source);
    return new EvaluatorConfig(
        kafka,
        spec,
        group,
        maxExamples,
        Duration.ofMillis(pollMs),
        Duration.ofMillis(waitMs),
        store,
        shutdownTimeout,
        driftKeep);
  }

  /** For a spec held in memory (the launcher's embedded default), with default settings. */
  public static EvaluatorConfig of(KafkaConnection kafka, PipelineSpec spec) {
    return new EvaluatorConfig(
        kafka,
        spec,
        CONSUMER_GROUP.defaultValue(),
        HOLDOUT_MAX_EXAMPLES.defaultValue(),
        Duration.ofMillis(POLL_TIMEOUT_MS.defaultValue()),
        Duration.ofMillis(HOLDOUT_WAIT_MS.defaultValue()),
        Path.of(MODEL_STORE.defaultValue()),
        Duration.ofMillis(CommonKeys.SHUTDOWN_TIMEOUT_MS.defaultValue()),
        DRIFT_HOLDOUT_KEEP.defaultValue());
  }

  /** For a spec held in memory, with explicit settings. */
  public static EvaluatorConfig of(
      KafkaConnection kafka,
      PipelineSpec spec,
      String consumerGroup,
      int holdoutMaxExamples,
      Duration pollTimeout,
      Duration holdoutWait) {
    return of(kafka, spec)
        .with(
            f -> {
              f.consumerGroup = consumerGroup;
              f.holdoutMaxExamples = holdoutMaxExamples;
              f.pollTimeout = pollTimeout;
              f.holdoutWait = holdoutWait;
            });
  }

  public EvaluatorConfig withHoldoutWait(Duration wait) {
    return with(f -> f.holdoutWait = wait);
  }

  /** The same settings over the model store at {@code root}. */
  public EvaluatorConfig withModelStore(Path root) {
    return with(f -> f.modelStore = root);
  }

  public double minMacroF1Gain() {
    return spec.evaluator().minMacroF1Gain();
  }

  /** How long a stop may take: the loop is woken and every client closed within it. */
  public EvaluatorConfig withShutdownTimeout(Duration timeout) {
    return with(f -> f.shutdownTimeout = timeout);
  }

  /** A copy of this config with what {@code change} sets; validated as any other. */
  private EvaluatorConfig with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return f.build();
  }

  /** A config's fields, changeable: each {@code with...} method sets one of them. */
  private static final class Fields {
    private final KafkaConnection kafka;
    private final PipelineSpec spec;
    private String consumerGroup;
    private int holdoutMaxExamples;
    private Duration pollTimeout;
    private Duration holdoutWait;
    private Path modelStore;
    private Duration shutdownTimeout;
    private final int driftHoldoutKeep;

    Fields(EvaluatorConfig config) {
      kafka = config.kafka;
      spec = config.spec;
      consumerGroup = config.consumerGroup;
      holdoutMaxExamples = config.holdoutMaxExamples;
      pollTimeout = config.pollTimeout;
      holdoutWait = config.holdoutWait;
      modelStore = config.modelStore;
      shutdownTimeout = config.shutdownTimeout;
      driftHoldoutKeep = config.driftHoldoutKeep;
    }

    EvaluatorConfig build() {
      return new EvaluatorConfig(
          kafka,
          spec,
          consumerGroup,
          holdoutMaxExamples,
          pollTimeout,
          holdoutWait,
          modelStore,
          shutdownTimeout,
          driftHoldoutKeep);
    }
  }
}
