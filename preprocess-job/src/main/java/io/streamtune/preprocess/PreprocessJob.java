package io.streamtune.preprocess;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.flink.AvroRecordSerializationSchema;
import io.streamtune.preprocess.flink.IntakeFunction;
import io.streamtune.preprocess.flink.RawEnvelopeDeserializationSchema;
import io.streamtune.preprocess.flink.SplitFunction;
import io.streamtune.preprocess.flink.TabularTransformOperator;
import io.streamtune.preprocess.flink.TrainBranch;
import io.streamtune.preprocess.flink.ValidatedRowSerializer;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preprocess Flink job for tabular records:
 *
 * <pre>
 * raw ─► decode + validate ─► split (id hash) ─► preprocess steps (one global state)
 *             │                    ├─ train ─► rebalance (sampling; one global state) ─► examples.train
 *             │                    └─ holdout ─────────────────────────────────────────► examples.holdout
 *             └─► deadletter (original bytes, stage, reason) ◄─ (clean / transform rejects)
 * </pre>
 *
 * Every operator's logic lives in preprocess-core; the functions in {@code
 * io.streamtune.preprocess.flink} only move data. The same preparation without Flink, over records
 * already read, is {@code PreprocessBatch} there.
 */
public final class PreprocessJob {

  private static final Logger LOG = LoggerFactory.getLogger(PreprocessJob.class);

  public static final String JOB_NAME = "streamtune-preprocess";

  private PreprocessJob() {}

  /** The topology, from raw envelopes to the sinks; images and texts: {@link MediaWorkflow}. */
  public static void defineWorkflow(
      DataStream<RawEnvelope> raw, PipelineSpec spec, String schemaRegistryUrl, Sinks sinks) {
    defineWorkflow(
        raw,
        spec,
        schemaRegistryUrl,
        Map.of(),
        PreprocessConfigDefaults.TRANSFORM_PUBLISH_EVERY,
        sinks);
  }

  /**
   * @param registrySettings schema-registry client settings (authentication, TLS)
   * @param transformPublishEvery training rows fitted between two published transform versions
   */
  public static void defineWorkflow(
      DataStream<RawEnvelope> raw,
      PipelineSpec spec,
      String schemaRegistryUrl,
      Map<String, String> registrySettings,
      long transformPublishEvery,
      Sinks sinks) {
    if (spec.modality() != PipelineSpec.Modality.TABULAR) {
      MediaWorkflow.define(raw, spec, schemaRegistryUrl, registrySettings, sinks);
      return;
    }
    // as in MediaWorkflow: no function here keeps or changes a record after emitting it, so the
    // chained operators need not deep-copy every Avro record and row between them
    raw.getExecutionEnvironment().getConfig().enableObjectReuse();
    TypeInformation<ValidatedRow> rows = ValidatedRowSerializer.typeFor(spec);
    SingleOutputStreamOperator<ValidatedRow> validated =
        raw.process(IntakeFunction.tabular(spec, schemaRegistryUrl, registrySettings), rows)
            .uid("decode-validate")
            .name("decode and validate");

    DataStream<ValidatedRow> split =
        validated
            .map(
                new SplitFunction<ValidatedRow>(Splitter.of(spec.split())),
                // rows cross the network into the steps' single subtask: a hand-written
                // serializer, not the POJO serializer's reflection (and Kryo for the bad cells)
                rows)
            .uid("split")
            .name("split by id hash");

    SingleOutputStreamOperator<Example> examples =
        split
            .transform(
                "fit and transform",
                TypeInformation.of(Example.class),
                new TabularTransformOperator(spec, transformPublishEvery))
            .uid("fit-transform-steps")
            .name("fit and transform")
            // the fitted statistics are global: one subtask holds them, never rescaled
            .setParallelism(1)
            .setMaxParallelism(1);

    DataStream<Example> toWrite = TrainBranch.rebalance(examples, spec);
    toWrite
        .sinkTo(sinks.examples())
        .uid("examples-sink")
        .name("examples sink")
        // the parallelism of what feeds it (the steps' single subtask, or the resampler's): chained
        // there, examples go to Kafka without a network hop and a second (Flink) serialization
        .setParallelism(toWrite.getParallelism());

    validated
        .getSideOutput(IntakeFunction.DEAD_LETTERS)
        .union(examples.getSideOutput(TabularTransformOperator.DEAD_LETTERS))
        .sinkTo(sinks.deadLetters())
        .uid("deadletter-sink")
        .name("dead-letter sink");

    examples
        .getSideOutput(TabularTransformOperator.TRANSFORMS)
        .sinkTo(sinks.transforms())
        .uid("transforms-sink")
        .name("fitted-transform sink")
        .setParallelism(1);
  }

  /**
   * Configures the environment (checkpointing, restarts, parallelism), wires the Kafka source and
   * the exactly-once Kafka sinks, and submits the job without waiting for it.
   */
  public static JobClient start(StreamExecutionEnvironment env, PreprocessConfig config)
      throws Exception {
    prepare(env, config);
    JobClient client = env.executeAsync(JOB_NAME);
    LOG.info("started {} as job {}", JOB_NAME, client.getJobID());
    return client;
  }

  /** Entry point for a Flink cluster: configuration from {@code STREAMTUNE_*} variables. */
  public static void main(String[] args) throws Exception {
    PreprocessConfig config = PreprocessConfig.from(ConfigSource.fromEnvironment());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    prepare(env, config);
    env.execute(JOB_NAME);
  }

  /**
   * A MiniCluster environment whose endpoints listen on loopback only, on free ports. Flink's REST
   * endpoint takes job submissions without authentication, and with {@code rest.bind-address} unset
   * it listened on every interface during {@code demo} and {@code preprocess}.
   */
  public static StreamExecutionEnvironment localEnvironment(int parallelism) {
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, localConfiguration());
  }

  /**
   * {@link #localEnvironment(int)} with {@code extra} configuration entries on top (the launcher's
   * metric reporter).
   */
  public static StreamExecutionEnvironment localEnvironment(
      int parallelism, Map<String, String> extra) {
    Configuration local = localConfiguration();
    local.addAll(Configuration.fromMap(extra));
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, local);
  }

  /** The configuration {@link #localEnvironment} starts its MiniCluster with. */
  public static Configuration localConfiguration() {
    Configuration local = new Configuration();
    local.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    local.set(RestOptions.ADDRESS, LOOPBACK);
    // any free port: Flink's default 8081 is the schema registry's (`streamtune embedded`)
    local.set(RestOptions.BIND_PORT, "0");
    local.set(JobManagerOptions.BIND_HOST, LOOPBACK);
    local.set(JobManagerOptions.ADDRESS, LOOPBACK);
    local.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
    local.set(TaskManagerOptions.HOST, LOOPBACK);
    return local;
  }

  private static final String LOOPBACK = "127.0.0.1";

  static void prepare(StreamExecutionEnvironment env, PreprocessConfig config) {
    configureEnvironment(env, config);
    DataStream<RawEnvelope> raw =
        env.fromSource(kafkaSource(config), WatermarkStrategy.noWatermarks(), "raw source")
            .uid("raw-source");
    defineWorkflow(
        raw,
        config.spec(),
        config.kafka().schemaRegistryUrl(),
        config.kafka().registrySettings(),
        config.transformPublishEvery(),
        kafkaSinks(config));
  }

  /** How long a checkpoint barrier waits aligned before it overtakes in-flight records. */
  static final Duration ALIGNED_CHECKPOINT_TIMEOUT = Duration.ofMillis(200);

  /** Exactly-once checkpointing, a bounded fixed-delay restart strategy, default parallelism. */
  public static void configureEnvironment(StreamExecutionEnvironment env, PreprocessConfig config) {
    env.setParallelism(config.parallelism());
    env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    Configuration settings = new Configuration();
    // a restarted job reads the backlog that built up while it was down, and an aligned barrier
    // waits behind all of it: the first checkpoint after a restore (and so the first committed
    // example) came up to 10 s late. Barriers aligned longer than this overtake the buffers.
    settings.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
    settings.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, ALIGNED_CHECKPOINT_TIMEOUT);
    settings.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    settings.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, config.restartAttempts());
    settings.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, PreprocessConfig.RESTART_DELAY);
    if (!config.checkpointDir().isEmpty()) {
      // retained, so that a lost JVM or JobManager keeps the fitted statistics and sampler state
      Path dir = RetainedCheckpoints.directory(config.checkpointDir());
      settings.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, RetainedCheckpoints.uri(dir));
      settings.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
      settings.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
      RetainedCheckpoints.latest(dir)
          .ifPresent(
              checkpoint -> {
                LOG.info("resuming {} from the retained checkpoint {}", JOB_NAME, checkpoint);
                settings.set(
                    StateRecoveryOptions.SAVEPOINT_PATH, RetainedCheckpoints.uri(checkpoint));
              });
    }
    env.configure(settings);
  }

  /** Reads the raw topic as bytes, resuming from committed offsets (earliest when none). */
  public static KafkaSource<RawEnvelope> kafkaSource(PreprocessConfig config) {
    Topics topics = config.kafka().topics();
    return KafkaSource.<RawEnvelope>builder()
        .setProperties(config.kafka().clientProperties())
        .setBootstrapServers(config.kafka().bootstrapServers())
        .setTopics(topics.name(Topics.RAW))
        .setGroupId(config.consumerGroup())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawEnvelopeDeserializationSchema())
        // producers of raw records may write transactionally; never read what they abort
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setProperty("client.id.prefix", config.consumerGroup())
        .build();
  }

  /**
   * How the exactly-once sinks name their transactions. The connector's default (INCREMENTING) uses
   * a new transactional id per checkpoint and, on a restore, probes id after id with a fresh
   * producer until it finds one never used, before the sink runs and so before the first
   * checkpoint; POOLING reuses a few ids and finds lingering transactions with one ListTransactions
   * call (brokers from Kafka 3.0), skipping those the restored checkpoint still commits.
   */
  static final TransactionNamingStrategy RESTORE_QUICKLY = TransactionNamingStrategy.POOLING;

  /**
   * First wait before a sink's producer retries a request (unless the Kafka settings name one):
   * each checkpoint starts the next transaction on a pooled transactional id, and when the broker
   * is still writing the markers of that id's last commit it answers CONCURRENT_TRANSACTIONS; the
   * client's default 100 ms before the retry then stalls the task's thread for 100 ms at a
   * checkpoint (a few milliseconds otherwise). Later retries still back off exponentially, up to
   * retry.backoff.max.ms.
   */
  static final String SINK_RETRY_BACKOFF_MS = "10";

  static Properties sinkProducerProperties(KafkaConnection kafka) {
    Properties properties = kafka.clientProperties();
    properties.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, SINK_RETRY_BACKOFF_MS);
    return properties;
  }

  /** Exactly-once sinks for examples (train/holdout topic by split) and dead letters. */
  public static Sinks kafkaSinks(PreprocessConfig config) {
    Topics topics = config.kafka().topics();
    String registry = config.kafka().schemaRegistryUrl();
    Map<String, String> registrySettings = config.kafka().registrySettings();
    String timeoutMs = Long.toString(config.transactionTimeout().toMillis());
    Properties producerProperties = sinkProducerProperties(config.kafka());
    KafkaSink<Example> examples =
        KafkaSink.<Example>builder()
            .setKafkaProducerConfig(producerProperties)
            .setBootstrapServers(config.kafka().bootstrapServers())
            .setRecordSerializer(
                AvroRecordSerializationSchema.examples(
                    registry,
                    registrySettings,
                    topics.name(Topics.EXAMPLES_TRAIN),
                    topics.name(Topics.EXAMPLES_HOLDOUT)))
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionNamingStrategy(RESTORE_QUICKLY)
            .setTransactionalIdPrefix(config.examplesTransactionalIdPrefix())
            .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs)
            .build();
    KafkaSink<DeadLetter> deadLetters =
        KafkaSink.<DeadLetter>builder()
            .setKafkaProducerConfig(producerProperties)
            .setBootstrapServers(config.kafka().bootstrapServers())
            .setRecordSerializer(
                AvroRecordSerializationSchema.deadLetters(
                    registry, registrySettings, topics.name(Topics.DEADLETTER)))
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionNamingStrategy(RESTORE_QUICKLY)
            .setTransactionalIdPrefix(config.deadLetterTransactionalIdPrefix())
            .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs)
            .build();
    KafkaSink<TransformVersion> transforms =
        KafkaSink.<TransformVersion>builder()
            .setKafkaProducerConfig(producerProperties)
            .setBootstrapServers(config.kafka().bootstrapServers())
            .setRecordSerializer(
                AvroRecordSerializationSchema.transforms(
                    registry, registrySettings, topics.name(Topics.TRANSFORMS)))
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionNamingStrategy(RESTORE_QUICKLY)
            .setTransactionalIdPrefix(config.transformsTransactionalIdPrefix())
            .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs)
            // a fitted transform can be larger than the 1 MiB default request
            .setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20))
            .build();
    return new Sinks(examples, deadLetters, transforms);
  }
}
