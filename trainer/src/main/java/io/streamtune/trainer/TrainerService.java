package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.engine.EngineInfo;
import io.streamtune.model.engine.TorchNatives;
import io.streamtune.model.text.TextClassifier;
import io.streamtune.model.text.bert.BertClassifier;
import io.streamtune.model.training.MallocSettings;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.serde.RegistryOutages;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.TrainerSpec.DeviceKind;
import io.streamtune.spec.PipelineSpecs;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer as a Kafka service: consumes {@code examples.train}, keeps the buffer, trains a
 * version when the trigger fires, stores it and publishes its {@link ModelVersion}.
 *
 * <p>Exactly what each version covers: a version's ModelVersion and the consumer offsets up to the
 * end of its {@code consumedOffsets} are committed in one Kafka transaction, so a reader of the
 * models topic ({@code read_committed}) sees a version if and only if the trainer will resume after
 * its ranges. Values are decoded per record (the consumer reads bytes), so an undecodable record is
 * dead-lettered with its original bytes instead of breaking {@code poll}.
 *
 * <p>While a round trains on a worker thread the consumer is paused and keeps polling, so the group
 * does not evict it; rounds never overlap. Run it on its own thread; {@link #close()} stops it.
 *
 * <p>Every version stores a snapshot of the buffer it was trained on ({@value #BUFFER_FILE}), taken
 * while the consumer is paused, so it holds exactly the examples up to the version's offsets. On
 * start, the latest version in the model store is loaded with its buffer and training continues
 * from it (numbering goes on at k+1) and from the committed offsets: a trainer killed at any point
 * loses no example and trains none twice. A snapshot that cannot be read stops the start (its
 * examples' offsets are committed, so Kafka would not give them again) unless the configuration
 * accepts starting empty ({@link TrainerConfig#ON_UNREADABLE_SNAPSHOT}), which is dead-lettered.
 *
 * <p>Assumes one trainer per model id (the transactional id fences a second one).
 */
public final class TrainerService implements Runnable, AutoCloseable {

  /** The buffer snapshot stored with every version. */
  public static final String BUFFER_FILE = "buffer.bin";

  /** How the version was trained (JSON) stored with every version. */
  public static final String TRAINING_FILE = "training.json";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Stage name in dead-letter records. */
  public static final String STAGE = "trainer";

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  private static final long CLOSE_WAIT_SECONDS = 60;

  /** Counters for monitoring and tests. */
  public record Stats(
      int versionsPublished,
      int lastVersion,
      long examplesConsumed,
      long deadLettered,
      int bufferSize,
      boolean controlAssigned,
      int controlRequests,
      int controlRequestsDuringRound,
      boolean roundInProgress,
      boolean bufferSnapshotDiscarded) {}

  private final TrainerConfig config;
  private final PipelineSpec spec;
  private final String modelId;
  private final String trainTopic;
  private final String modelsTopic;
  private final String deadLetterTopic;
  private final String specYaml;
  private final ModelStore store;
  private final TrainingState state;
  private final ModelTrainer roundTrainer;
  private final String controlTopic;
  private final KafkaConsumer<String, String> controlConsumer;
  private volatile boolean controlAssigned;
  private long nextControlAttemptNanos;
  private volatile int controlRequests;
  private volatile int controlRequestsDuringRound;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<Example> exampleDeserializer;
  private final KafkaProducer<String, ModelVersion> versionProducer;
  private final KafkaProducer<String, DeadLetter> deadLetterProducer;
  private final ExecutorService roundExecutor;
  private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final int threads;
  private final EngineInfo engineInfo;

  /**
   * Below the consumer's max.poll.interval.ms (5 min), so the group keeps the trainer meanwhile.
   */
  private static final RegistryOutages.Retry REGISTRY_RETRY =
      RegistryOutages.Retry.of(Duration.ofMinutes(3));

  private final AtomicBoolean cancelRound = new AtomicBoolean(false);
  private final AtomicBoolean started = new AtomicBoolean(false);
  private final AtomicBoolean resourcesClosed = new AtomicBoolean(false);
  private final CountDownLatch stopped = new CountDownLatch(1);

  private volatile boolean roundInProgress;
  private int nextVersion;
  private Integer parentVersion;
  private volatile int versionsPublished;
  private volatile int lastVersion;
  private volatile long deadLettered;
  private DiscardedSnapshot discardedSnapshot;

  public TrainerService(TrainerConfig config) {
    this.config = config;
    this.spec = config.spec();
    this.modelId = spec.name();
    Topics topics = config.kafka().topics();
    this.trainTopic = topics.name(Topics.EXAMPLES_TRAIN);
    this.modelsTopic = topics.name(Topics.MODELS);
    this.deadLetterTopic = topics.name(Topics.DEADLETTER);
    this.controlTopic = topics.name(Topics.CONTROL);
    this.specYaml = PipelineSpecs.toYaml(spec);
    this.store = new ModelStore(config.modelStore());
    this.state = new TrainingState(spec, () -> System.nanoTime() / 1_000_000);

    PipelineSpec.TrainerSpec trainerSpec = spec.trainer();
    // the spec's device and threads, when set, win over the service's settings
    this.threads = trainerSpec.threads() != null ? trainerSpec.threads() : config.threads();
    applyThreads(threads);
    MallocSettings.warning(System.getenv(), System.getProperty("os.name"))
        .ifPresent(warning -> LOG.warn("model {}: {}", modelId, warning));
    DeviceKind choice = trainerSpec.device() != null ? trainerSpec.device() : config.device();
    TorchNatives.configure();
    Device device =
        DeviceSelection.select(
            choice, Engine.getEngine("PyTorch").getGpuCount(), TrainerConfig.DEVICE.name());
    this.engineInfo = EngineInfo.of(device);
    LOG.info("model {}: training on {}", modelId, engineInfo.describe());
    this.roundTrainer = createOrResume(device);
    try {
      String registry = config.kafka().schemaRegistryUrl();
      this.exampleDeserializer = AvroSerdes.valueDeserializer(registry, Example.class);
      this.consumer = new KafkaConsumer<>(consumerProperties());
      this.controlConsumer =
          new KafkaConsumer<>(
              controlConsumerProperties(), new StringDeserializer(), new StringDeserializer());
      this.versionProducer =
          new KafkaProducer<>(
              producerProperties(true),
              new StringSerializer(),
              AvroSerdes.valueSerializer(registry));
      this.deadLetterProducer =
          new KafkaProducer<>(
              producerProperties(false),
              new StringSerializer(),
              AvroSerdes.valueSerializer(registry));
    } catch (RuntimeException e) {
      roundTrainer.close();
      throw e;
    }
    this.roundExecutor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "streamtune-trainer-round-" + modelId);
              thread.setDaemon(true);
              return thread;
            });
  }

  private static void applyThreads(int threads) {
    // Read by the PyTorch engine when it starts; a JVM that already started it keeps its setting.
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  private ModelTrainer newTrainer(Device device) {
    PipelineSpec.TrainerSpec trainer = spec.trainer();
    int classes = spec.label().classes().size();
    return switch (spec.modality()) {
      case TABULAR -> RoundTrainer.create(modelId, state.featureCount(), classes, trainer, device);
      case IMAGE -> ImageRoundTrainer.create(trainer, classes, device);
      case TEXT ->
          TransformerRoundTrainer.selected(trainer)
              ? TransformerRoundTrainer.create(modelId, trainer, classes, device)
              : TextRoundTrainer.create(trainer, classes, threads);
    };
  }

  /** The architecture string the spec asks for (a stored version must match it to resume). */
  private String expectedArchitecture() {
    PipelineSpec.TrainerSpec trainer = spec.trainer();
    return switch (spec.modality()) {
      case TABULAR -> MlpClassifier.architecture(trainer.hiddenUnits());
      case IMAGE -> ImageRoundTrainer.architecture(trainer);
      case TEXT ->
          TransformerRoundTrainer.selected(trainer)
              ? BertClassifier.ARCHITECTURE
              : TextClassifier.architecture(TextRoundTrainer.featuresOf(trainer));
    };
  }

  private ModelTrainer createOrResume(Device device) {
    List<String> labels = spec.label().classes();
    int featureCount = state.featureCount();
    Optional<Integer> latest = store.latestVersion(modelId);
    while (latest.isPresent() && !published(latest.get())) {
      Path aside = store.setAside(modelId, latest.get());
      LOG.warn(
          "model {}: stored v{} was never published (the group has not committed its offsets: a"
              + " crash between saving and committing); set aside as {}, its examples are read"
              + " again",
          modelId,
          latest.get(),
          aside);
      latest = store.latestVersion(modelId);
    }
    if (latest.isEmpty()) {
      nextVersion = 1;
      parentVersion = null;
      LOG.info(
          "model {}: no stored versions in {}, starting from version 1", modelId, store.root());
      return newTrainer(device);
    }
    int version = latest.get();
    nextVersion = version + 1;
    Path dir = store.versionDir(modelId, version);
    ModelMetadata stored = store.readMetadata(dir);
    String architecture = expectedArchitecture();
    if (!stored.architecture().equals(architecture)
        || (spec.modality() == PipelineSpec.Modality.TABULAR
            && stored.featureCount() != featureCount)
        || !stored.labels().equals(labels)) {
      LOG.warn(
          "model {}: stored v{} ({}, {} features, labels {}) does not match the spec ({}, {}"
              + " features, labels {}); training a new model as v{}",
          modelId,
          version,
          stored.architecture(),
          stored.featureCount(),
          stored.labels(),
          architecture,
          featureCount,
          labels,
          nextVersion);
      parentVersion = null;
      return newTrainer(device);
    }
    restoreBuffer(dir, version);
    PipelineSpec.TrainerSpec trainer = spec.trainer();
    ModelTrainer resumed =
        switch (spec.modality()) {
          case TABULAR -> RoundTrainer.continueFrom(store.load(dir, device), trainer);
          case IMAGE -> ImageRoundTrainer.resume(dir, trainer, labels.size(), device);
          case TEXT ->
              TransformerRoundTrainer.selected(trainer)
                  ? TransformerRoundTrainer.resume(store, dir, trainer, labels.size(), device)
                  : TextRoundTrainer.resume(dir, trainer, labels.size(), threads);
        };
    parentVersion = version;
    LOG.info(
        "model {}: resuming from stored v{} ({}); next version v{}",
        modelId,
        version,
        dir,
        nextVersion);
    return resumed;
  }

  /** Whether a stored version's transaction committed ({@link PublishedOffsets}). */
  private boolean published(int version) {
    Path dir = store.versionDir(modelId, version);
    List<OffsetRange> ranges;
    try {
      Optional<List<OffsetRange>> stored = PublishedOffsets.read(dir);
      if (stored.isEmpty() || stored.get().isEmpty()) {
        return true;
      }
      ranges = stored.get();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the offsets stored with " + dir, e);
    }
    Properties props = consumerProperties();
    // only asks for the group's offsets: no join, so not as the static member
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    Map<TopicPartition, Long> committed = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> offsets = new KafkaConsumer<>(props)) {
      Set<TopicPartition> partitions =
          ranges.stream()
              .map(r -> new TopicPartition(r.getTopic(), r.getPartition()))
              .collect(Collectors.toSet());
      offsets
          .committed(partitions, Duration.ofSeconds(30))
          .forEach(
              (partition, offset) -> {
                if (offset != null) {
                  committed.put(partition, offset.offset());
                }
              });
    }
    return PublishedOffsets.committed(ranges, committed);
  }

  /**
   * Restores the buffer the stored version was trained on. Its examples' offsets are committed, so
   * Kafka does not give them again: an unreadable (or missing) snapshot loses them from training.
   * By default that stops the start; with {@code trainer.buffer.on.unreadable.snapshot=empty} the
   * trainer starts with an empty buffer and reports the loss as a dead letter once running.
   */
  private void restoreBuffer(Path versionDir, int version) {
    Path snapshot = versionDir.resolve(BUFFER_FILE);
    PipelineSpec.TrainerSpec trainer = spec.trainer();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(snapshot)))) {
      state.restoreBuffer(
          ExampleBuffer.readFrom(
              in,
              trainer.bufferCapacity(),
              trainer.bufferMaxBytes(),
              trainer.replayShare(),
              spec.label().classes().size()));
      LOG.info(
          "model {}: restored a buffer of {} examples from {}",
          modelId,
          state.buffer().size(),
          snapshot);
    } catch (IOException | RuntimeException e) {
      String problem =
          "cannot read the buffer snapshot of stored v"
              + version
              + " of model "
              + modelId
              + " at "
              + snapshot
              + ": "
              + e;
      if (config.onUnreadableSnapshot() == TrainerConfig.UnreadableSnapshot.FAIL) {
        throw new IllegalStateException(
            problem
                + "; its examples would not be trained on again (their offsets are committed)."
                + " Restore the file, or set "
                + TrainerConfig.ON_UNREADABLE_SNAPSHOT.name()
                + " (env "
                + TrainerConfig.ON_UNREADABLE_SNAPSHOT.envName()
                + ")=empty to start with an empty buffer",
            e);
      }
      discardedSnapshot =
          new DiscardedSnapshot(version, snapshot, problem + "; started with an empty buffer");
      LOG.error("model {}: {}; starting with an empty buffer", modelId, problem);
    }
  }

  /** A buffer snapshot given up at start, reported as a dead letter once the producer runs. */
  private record DiscardedSnapshot(int version, Path file, String reason) {}

  private void reportDiscardedSnapshot() {
    if (discardedSnapshot == null) {
      return;
    }
    deadLettered++;
    // not a record of the topic: no partition, no offset; the id names the version and the file
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(trainTopic, -1, -1),
            modelId + "/v" + discardedSnapshot.version() + "/" + BUFFER_FILE,
            null,
            null,
            STAGE,
            discardedSnapshot.reason(),
            Instant.now());
    try {
      deadLetterProducer.send(new ProducerRecord<>(deadLetterTopic, modelId, letter)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reporting " + discardedSnapshot, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot report the discarded buffer snapshot " + discardedSnapshot.file(), e.getCause());
    }
  }

  private Properties consumerProperties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId);
    // Static membership: a trainer restarted after a crash (kill -9) takes its partitions back at
    // once, instead of waiting out the dead member's session (45 s); one trainer per model, so the
    // model id names the member. A second live trainer of the same model is fenced, not merged.
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "streamtune-trainer-" + modelId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /**
   * The control topic is read by every trainer instance from its end, without a consumer group
   * (nothing committed): a message asks the live trainers of its key's model (or of every model,
   * without a key) for a round now.
   */
  private Properties controlConsumerProperties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId + "-control");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    return props;
  }

  /** Assigns every control partition at its end; retried every 10 s while the topic is missing. */
  private void assignControl() {
    if (controlAssigned || System.nanoTime() < nextControlAttemptNanos) {
      return;
    }
    nextControlAttemptNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      List<org.apache.kafka.common.PartitionInfo> infos =
          controlConsumer.partitionsFor(controlTopic, Duration.ofSeconds(2));
      if (infos == null || infos.isEmpty()) {
        LOG.warn("model {}: control topic {} not found yet", modelId, controlTopic);
        return;
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      controlConsumer.assign(partitions);
      controlConsumer.seekToEnd(partitions);
      // resolve the end offsets now: a message sent after this point is seen
      partitions.forEach(p -> controlConsumer.position(p, Duration.ofSeconds(5)));
      controlAssigned = true;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      LOG.warn("model {}: cannot assign control topic {}: {}", modelId, controlTopic, e.toString());
    }
  }

  /** Takes control messages; a request for this model forces a round (after a running one). */
  private void pollControl() {
    assignControl();
    if (!controlAssigned) {
      return;
    }
    for (ConsumerRecord<String, String> record : controlConsumer.poll(Duration.ZERO)) {
      if (record.key() == null || record.key().equals(modelId)) {
        controlRequests++;
        if (roundInProgress) {
          controlRequestsDuringRound++;
        }
        LOG.info(
            "model {}: control message '{}' at {}-{}@{}: a round is due",
            modelId,
            record.value(),
            record.topic(),
            record.partition(),
            record.offset());
        state.forceRound();
      }
    }
  }

  private Properties producerProperties(boolean transactional) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactional) {
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId + "-versions");
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.consumerGroup() + "." + modelId);
    } else {
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-trainer-" + modelId + "-deadletter");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    }
    return props;
  }

  /** The consume–train–publish loop; returns after {@link #close()}. */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("TrainerService.run() may only be called once");
    }
    try {
      if (!running.get()) {
        return;
      }
      versionProducer.initTransactions();
      reportDiscardedSnapshot();
      consumer.subscribe(List.of(trainTopic), new Rebalance());
      LOG.info(
          "trainer for model {} consuming {} (group {}), publishing to {}, store {}, device {}",
          modelId,
          trainTopic,
          config.consumerGroup(),
          modelsTopic,
          store.root(),
          roundTrainer.deviceName());
      while (running.get()) {
        consumer.poll(config.pollTimeout()).forEach(pending::add);
        pollControl();
        processPending();
        Optional<RetrainTrigger.Reason> due = state.roundDue();
        if (due.isPresent() && running.get()) {
          trainAndPublish(due.get());
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("trainer for model {} stopped: {}", modelId, e.toString(), e);
      throw e;
    } finally {
      closeResources();
      stopped.countDown();
      LOG.info("trainer for model {} stopped; {}", modelId, stats());
    }
  }

  private void processPending() {
    while (!pending.isEmpty() && running.get()) {
      handle(pending.poll());
      Optional<RetrainTrigger.Reason> due = state.roundDue();
      if (due.isPresent()) {
        trainAndPublish(due.get());
      }
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    Example example;
    try {
      example =
          record.value() == null
              ? null
              : RegistryOutages.decode(
                  () ->
                      exampleDeserializer.deserialize(
                          record.topic(), record.headers(), record.value()),
                  REGISTRY_RETRY,
                  record.topic() + "-" + record.partition() + "@" + record.offset());
    } catch (RegistryOutages.RegistryUnavailableException outage) {
      // outlasted the retries: stop before committing past a record that may well be good
      throw outage;
    } catch (RuntimeException e) {
      state.reject(partition, record.offset());
      deadLetter(record, "cannot decode an Example: " + e.getMessage());
      return;
    }
    Optional<String> problem = state.offer(partition, record.offset(), example);
    problem.ifPresent(reason -> deadLetter(record, reason));
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
    deadLettered++;
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    LOG.warn(
        "dead-lettering {}-{}@{} (key {}): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        key,
        reason);
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(record.topic(), record.partition(), record.offset()),
            key,
            record.key(),
            record.value(),
            STAGE,
            reason,
            Instant.now());
    deadLetterProducer.send(
        new ProducerRecord<>(deadLetterTopic, key, letter),
        (metadata, error) -> {
          if (error != null) {
            LOG.error(
                "cannot write dead letter for offset {}: {}", record.offset(), error.toString());
          }
        });
  }

  /** One round: train on a worker thread while the paused consumer keeps polling, then publish. */
  private void trainAndPublish(RetrainTrigger.Reason reason) {
    TrainingState.Round round = state.startRound(reason);
    Collection<TopicPartition> assignment = consumer.assignment();
    consumer.pause(assignment);
    roundInProgress = true;
    cancelRound.set(false);
    ModelTrainer.Result result;
    try {
      Future<ModelTrainer.Result> training =
          roundExecutor.submit(() -> roundTrainer.train(round.data(), cancelRound::get));
      try {
        while (!training.isDone()) {
          // Paused partitions return nothing; records of partitions assigned meanwhile wait.
          consumer.poll(config.pollTimeout()).forEach(pending::add);
          // a request during the round is kept for a round after it: rounds never overlap
          pollControl();
        }
      } catch (WakeupException e) {
        cancelRound.set(true);
        awaitQuietly(training);
        throw e;
      }
      result = getResult(training);
    } finally {
      roundInProgress = false;
    }
    publish(round, result);
    consumer.resume(consumer.paused());
  }

  private ModelTrainer.Result getResult(Future<ModelTrainer.Result> training) {
    try {
      return training.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException("training round failed", cause);
    }
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      future.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // cancelled or failed: either way the round is abandoned and nothing is published
    }
  }

  private void publish(TrainingState.Round round, ModelTrainer.Result result) {
    int version = nextVersion;
    Instant createdAt = Instant.now();
    boolean tabular = spec.modality() == PipelineSpec.Modality.TABULAR;
    List<Integer> hidden = tabular ? spec.trainer().hiddenUnits() : List.of();
    ModelMetadata metadata =
        new ModelMetadata(
            modelId,
            version,
            roundTrainer.architecture(),
            spec.label().classes(),
            tabular ? spec.featureNames() : List.of(),
            roundTrainer.metadataFeatureCount(),
            hidden,
            spec.trainer().seed(),
            createdAt.toString());
    Map<String, ModelStore.FileContent> files = new HashMap<>(roundTrainer.files());
    files.put(
        BUFFER_FILE,
        out -> {
          DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
          state.buffer().writeTo(data);
          data.flush();
        });
    files.put(
        TRAINING_FILE,
        out -> out.write(trainingJson(round, result).getBytes(StandardCharsets.UTF_8)));
    List<OffsetRange> ranges = state.drainRanges();
    // beside the version, so a start can tell whether its transaction committed
    files.put(PublishedOffsets.FILE, out -> PublishedOffsets.write(ranges, out));
    Path dir = store.save(roundTrainer.model(), metadata, specYaml, files);
    ModelVersion modelVersion =
        ModelVersion.newBuilder()
            .setModelId(modelId)
            .setVersion(version)
            .setParentVersion(parentVersion)
            .setCreatedAt(createdAt)
            .setStorePath(dir.toString())
            .setArchitecture(metadata.architecture())
            .setLabels(metadata.labels())
            .setFeatureCount(roundTrainer.inputWidth())
            .setExamplesTrainedOn(round.data().size())
            .setNewExamples(round.newExamples())
            .setTotalExamplesConsumed(state.totalExamplesConsumed())
            .setConsumedOffsets(ranges)
            .setTrainLoss(result.trainLoss())
            .setEpochs(result.epochs())
            .setDurationMs(result.durationMs())
            .setDevice(result.device())
            .setNativeFlavor(engineInfo.flavor())
            .setMaxTransformVersion(state.maxTransformVersion())
            .build();
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (OffsetRange range : ranges) {
      commit.put(
          new TopicPartition(range.getTopic(), range.getPartition()),
          new OffsetAndMetadata(range.getUntilOffset()));
    }
    // Dead letters for offsets this commit covers must be durable first.
    deadLetterProducer.flush();
    versionProducer.beginTransaction();
    try {
      versionProducer.send(new ProducerRecord<>(modelsTopic, modelId, modelVersion));
      versionProducer.sendOffsetsToTransaction(commit, consumer.groupMetadata());
      versionProducer.commitTransaction();
    } catch (RuntimeException e) {
      try {
        versionProducer.abortTransaction();
      } catch (RuntimeException abortError) {
        e.addSuppressed(abortError);
      }
      throw new IllegalStateException(
          "model "
              + modelId
              + " v"
              + version
              + " is stored in "
              + dir
              + " but could not be published; the next start resumes after v"
              + (version - 1)
              + "'s offsets",
          e);
    }
    parentVersion = version;
    lastVersion = version;
    nextVersion = version + 1;
    versionsPublished++;
    LOG.info(
        "model {} v{} ({}): trained on {} examples ({} new, classes {}), loss {} after {} epochs"
            + " in {} ms on {}; offsets {}",
        modelId,
        version,
        round.reason(),
        round.data().size(),
        round.newExamples(),
        java.util.Arrays.toString(round.data().classCounts()),
        String.format(java.util.Locale.ROOT, "%.4f", result.trainLoss()),
        result.epochs(),
        result.durationMs(),
        result.device(),
        ranges.stream()
            .map(
                r ->
                    r.getTopic()
                        + "-"
                        + r.getPartition()
                        + "["
                        + r.getFromOffset()
                        + ","
                        + r.getUntilOffset()
                        + ")")
            .collect(Collectors.joining(" ")));
  }

  /** What trained the version, beside its metadata: transform version, backbone, strategy, loss. */
  private String trainingJson(TrainingState.Round round, ModelTrainer.Result result) {
    PipelineSpec.TrainerSpec trainer = spec.trainer();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("modality", spec.modality().name().toLowerCase(Locale.ROOT));
    fields.put("backbone", trainer.backboneFor(spec.modality()));
    fields.put("strategy", trainer.strategyFor(spec.modality()).name().toLowerCase(Locale.ROOT));
    fields.put("maxTransformVersion", state.maxTransformVersion());
    fields.put("trigger", round.reason().name().toLowerCase(Locale.ROOT));
    fields.put("examplesTrainedOn", round.data().size());
    fields.put("trainLoss", result.trainLoss());
    fields.put("epochLosses", result.epochLosses());
    fields.put("epochs", result.epochs());
    fields.put("steps", result.steps());
    fields.put("durationMs", result.durationMs());
    fields.put("device", result.device());
    fields.put("threads", threads);
    fields.putAll(roundTrainer.trainingDetails());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fields);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + TRAINING_FILE, e);
    }
  }

  /** Keeps the offset tracker in step with where the consumer reads. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        Optional<Long> consumedUpTo = state.offsets().position(partition);
        if (consumedUpTo.isPresent()) {
          // Records after the last commit are already in the buffer: continue after them.
          consumer.seek(partition, consumedUpTo.get());
        } else {
          state.offsets().startAt(partition, consumer.position(partition));
        }
      }
      if (roundInProgress) {
        consumer.pause(partitions);
      }
      LOG.info("trainer for model {} assigned {}", modelId, partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("trainer for model {} revoked {}", modelId, partitions);
      }
    }
  }

  public Stats stats() {
    return new Stats(
        versionsPublished,
        lastVersion,
        state.totalExamplesConsumed(),
        deadLettered,
        state.buffer().size(),
        controlAssigned,
        controlRequests,
        controlRequestsDuringRound,
        roundInProgress,
        discardedSnapshot != null);
  }

  /**
   * Stops the loop (an in-flight round is abandoned, nothing of it is published) and waits up to a
   * minute for it to finish. Safe to call from any thread, more than once.
   */
  @Override
  public void close() {
    running.set(false);
    cancelRound.set(true);
    if (started.get()) {
      consumer.wakeup();
      controlConsumer.wakeup();
      try {
        if (!stopped.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn("trainer for model {} did not stop within {} s", modelId, CLOSE_WAIT_SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      closeResources();
    }
  }

  private void closeResources() {
    if (!resourcesClosed.compareAndSet(false, true)) {
      return;
    }
    roundExecutor.shutdownNow();
    closeQuietly(consumer);
    closeQuietly(controlConsumer);
    closeQuietly(versionProducer);
    closeQuietly(deadLetterProducer);
    closeQuietly(exampleDeserializer);
    closeQuietly(roundTrainer);
  }

  private void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("error while closing the trainer for model {}: {}", modelId, e.toString());
    }
  }
}
