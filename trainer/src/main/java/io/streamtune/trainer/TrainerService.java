package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamtune.common.control.ControlTopic;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.shutdown.ShutdownDeadline;
import io.streamtune.model.ModelStore;
import io.streamtune.model.engine.EngineInfo;
import io.streamtune.model.engine.TorchNatives;
import io.streamtune.model.training.MallocSettings;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TrainerSpec.DeviceKind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer as a Kafka service: consumes {@code examples.train}, keeps the buffer, trains a
 * version when the trigger fires, stores it and publishes its {@link ModelVersion}.
 *
 * <p>Exactly what each version covers: a version's ModelVersion and the consumer offsets up to the
 * end of its {@code consumedOffsets} are committed in one Kafka transaction, so a reader of the
 * models topic ({@code read_committed}) sees a version if and only if the trainer will resume after
 * its ranges ({@link VersionPublisher}, {@link KafkaVersionSink}). Values are decoded per record
 * (the consumer reads bytes), so an undecodable record is dead-lettered with its original bytes
 * instead of breaking {@code poll}.
 *
 * <p>While a round trains on a worker thread the consumer is paused and keeps polling, so the group
 * does not evict it; rounds never overlap. Run it on its own thread; {@link #close()} stops it.
 *
 * <p>Every version stores a snapshot of the buffer it was trained on ({@value #BUFFER_FILE}), taken
 * while the consumer is paused, so it holds exactly the examples up to the version's offsets. On
 * start ({@link TrainerStart}), the latest published version in the model store is loaded with its
 * buffer and training continues from it (numbering goes on at k+1) and from the committed offsets:
 * a trainer killed at any point loses no example and trains none twice. A snapshot given up at
 * start ({@link TrainerConfig#ON_UNREADABLE_SNAPSHOT}) is dead-lettered. Which class trains is the
 * injected {@link ModelTrainerFactory}'s choice ({@link TrainerKinds} by default); requests for a
 * round come from the {@link ControlTopic}.
 *
 * <p>Assumes one trainer per model id (the transactional id fences a second one).
 */
public final class TrainerService implements Runnable, AutoCloseable {

  /** The buffer snapshot stored with every version. */
  public static final String BUFFER_FILE = VersionPublisher.BUFFER_FILE;

  /** How the version was trained (JSON) stored with every version. */
  public static final String TRAINING_FILE = VersionPublisher.TRAINING_FILE;

  /** Stage name in dead-letter records. */
  public static final String STAGE = "trainer";

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

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
  private final Duration shutdownTimeout;
  private final String modelId;
  private final String trainTopic;
  private final String modelsTopic;
  private final ModelStore store;
  private final TrainingState state;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ExampleIntake intake;
  private final TrainerDeadLetters deadLetters;
  private final VersionSink sink;
  private final ControlTopic control;
  private final TransformCatalog transformCatalog;
  private final ModelTrainer roundTrainer;
  private final VersionPublisher publisher;
  private final TrainerStart.DiscardedSnapshot discardedSnapshot;
  private final ExecutorService roundExecutor;
  private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean cancelRound = new AtomicBoolean(false);
  private final AtomicBoolean started = new AtomicBoolean(false);
  private final AtomicBoolean resourcesClosed = new AtomicBoolean(false);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean roundInProgress;
  private volatile Thread loopThread;
  private final TrainerMeters meters = new TrainerMeters();

  public TrainerService(TrainerConfig config) {
    this(config, TrainerKinds.registry());
  }

  /**
   * @param trainers makes the model trainer, new or resumed from the store
   */
  TrainerService(TrainerConfig config, ModelTrainerFactory trainers) {
    this.config = config;
    this.shutdownTimeout = config.shutdownTimeout();
    PipelineSpec spec = config.spec();
    this.modelId = spec.name();
    Topics topics = config.kafka().topics();
    this.trainTopic = topics.name(Topics.EXAMPLES_TRAIN);
    this.modelsTopic = topics.name(Topics.MODELS);
    this.store = new ModelStore(config.modelStore());
    this.state = new TrainingState(spec, () -> System.nanoTime() / 1_000_000);

    TrainerSpec trainerSpec = spec.trainer();
    // the spec's device and threads, when set, win over the service's settings
    int threads = trainerSpec.threads() != null ? trainerSpec.threads() : config.threads();
    applyThreads(threads);
    MallocSettings.warning(System.getenv(), System.getProperty("os.name"))
        .ifPresent(warning -> LOG.warn("model {}: {}", modelId, warning));
    DeviceKind choice = trainerSpec.device() != null ? trainerSpec.device() : config.device();
    TorchNatives.configure();
    Device device =
        DeviceSelection.select(
            choice, Engine.getEngine("PyTorch").getGpuCount(), TrainerConfig.DEVICE.name());
    EngineInfo engineInfo = EngineInfo.of(device);
    LOG.info("model {}: training on {}", modelId, engineInfo.describe());
    this.consumer = new KafkaConsumer<>(TrainerClients.consumer(config, modelId));
    this.deadLetters =
        new TrainerDeadLetters(config, modelId, topics.name(Topics.DEADLETTER), trainTopic);
    this.intake = new ExampleIntake(config.kafka(), state, deadLetters);
    this.sink =
        new KafkaVersionSink(
            modelsTopic,
            topics.name(Topics.METRICS),
            modelId,
            config.kafka(),
            TrainerClients.producer(config, modelId, true),
            TrainerClients.consumer(config, modelId),
            consumer::groupMetadata,
            deadLetters::flush);
    this.control =
        new ControlTopic(config.kafka(), topics.name(Topics.CONTROL), modelId, "trainer");
    this.transformCatalog =
        spec.modality() == PipelineSpec.Modality.TABULAR
            ? new TransformCatalog(
                config.kafka(), topics.name(Topics.TRANSFORMS), modelId, Duration.ofSeconds(5))
            : null;
    TrainerStart.Outcome start;
    try {
      start =
          TrainerStart.begin(
              trainers,
              new ModelTrainerFactory.Setup(
                  modelId, spec, store, state.featureCount(), device, threads),
              state,
              sink,
              config.onUnreadableSnapshot());
    } catch (RuntimeException e) {
      closeClients(ShutdownDeadline.after(shutdownTimeout));
      throw e;
    }
    this.roundTrainer = start.trainer();
    this.discardedSnapshot = start.discarded().orElse(null);
    this.publisher =
        new VersionPublisher(
            spec,
            store,
            sink,
            state,
            start,
            transformCatalog == null ? TransformSource.NONE : transformCatalog,
            engineInfo.flavor(),
            threads);
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

  /**
   * A request on the control topic forces a round (after a running one); after a concept drift the
   * buffer first forgets the older concept as the spec's {@code driftPolicy} says.
   */
  private void pollControl() {
    List<RetrainRequest> requests = control.poll(roundInProgress);
    if (requests.isEmpty()) {
      return;
    }
    TrainerSpec settings = config.spec().trainer();
    boolean drift = requests.stream().anyMatch(r -> r.getTrigger() == RetrainCause.CONCEPT_DRIFT);
    boolean reselect = requests.stream().anyMatch(r -> r.getTrigger() == RetrainCause.RESELECT);
    if (reselect || (drift && settings.selection().afterDrift())) {
      // read by the next round's train call (rounds never overlap, so never a running one's)
      boolean selects = roundTrainer.requestReselection();
      if (selects || reselect) {
        LOG.info(
            "model {}: reselection requested{}",
            modelId,
            selects ? "; the next round selects again" : " (ignored: the backbone is fixed)");
      }
    }
    if (drift && settings.driftPolicy() != TrainerSpec.DriftPolicy.KEEP) {
      int forgotten = DriftPolicies.apply(settings, state.buffer());
      state.forceRoundAfter(settings.driftRoundAfter());
      LOG.info(
          "model {}: concept drift: driftPolicy {} forgot {} buffered examples ({} left); the"
              + " round waits for {} new examples",
          modelId,
          settings.driftPolicy().name().toLowerCase(java.util.Locale.ROOT),
          forgotten,
          state.buffer().size(),
          settings.driftRoundAfter());
      return;
    }
    state.forceRound();
  }

  /** The consume–train–publish loop; returns after {@link #close()}. */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("TrainerService.run() may only be called once");
    }
    loopThread = Thread.currentThread();
    try {
      if (!running.get()) {
        return;
      }
      sink.start();
      if (discardedSnapshot != null) {
        deadLetters.reportDiscardedSnapshot(discardedSnapshot);
      }
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
      if (!running.get()) {
        // a call the stop cut short (closed producer, interrupt): nothing of it was committed
        LOG.info("trainer for model {} stopping: {}", modelId, e.toString());
        return;
      }
      LOG.error("trainer for model {} stopped: {}", modelId, e.toString(), e);
      throw e;
    } finally {
      long closing = System.nanoTime();
      closeResources(ShutdownDeadline.after(shutdownTimeout.dividedBy(2)));
      stopped.countDown();
      LOG.info(
          "trainer for model {} stopped (clients closed in {} ms); {}",
          modelId,
          (System.nanoTime() - closing) / 1_000_000,
          stats());
    }
  }

  private void processPending() {
    while (!pending.isEmpty() && running.get()) {
      intake.take(pending.poll());
      Optional<RetrainTrigger.Reason> due = state.roundDue();
      if (due.isPresent()) {
        trainAndPublish(due.get());
      }
    }
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
          roundExecutor.submit(
              () -> roundTrainer.train(round.data(), round.newExamples(), cancelRound::get));
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
      meters.roundTrained(result);
    } finally {
      roundInProgress = false;
    }
    publisher.publish(round, result, roundTrainer);
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

  private void awaitQuietly(Future<?> future) {
    try {
      future.get(shutdownTimeout.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // cancelled or failed: either way the round is abandoned and nothing is published
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

  /**
   * Exports the trainer's meters ({@link TrainerMeters}) and its examples consumer's Kafka metrics
   * (consumer lag: {@code kafka_consumer_fetch_manager_records_lag_max}) on {@code endpoint}.
   */
  public void bindMetrics(MetricsEndpoint endpoint) {
    meters.bind(endpoint.registry(), this, state);
    endpoint.bindClosing(new KafkaClientMetrics(consumer));
  }

  public Stats stats() {
    return new Stats(
        publisher.published(),
        publisher.lastVersion(),
        state.totalExamplesConsumed(),
        deadLetters.count(),
        state.buffer().size(),
        control.assigned(),
        control.requests(),
        control.requestsDuringRound(),
        roundInProgress,
        discardedSnapshot != null);
  }

  /**
   * Stops the loop (an in-flight round is abandoned, nothing of it is published) and waits for it
   * within the shutdown budget ({@link TrainerConfig#shutdownTimeout()}), whatever state Kafka is
   * in: the consumers are woken; after half the budget a call still blocked on the broker (a
   * transaction commit, a flush, {@code initTransactions}) is cut short by closing the producers
   * from this thread, so the open transaction is aborted and its offsets stay uncommitted (the
   * restart resumes from the last version). Safe to call from any thread, more than once.
   */
  @Override
  public void close() {
    ShutdownDeadline deadline = ShutdownDeadline.after(shutdownTimeout);
    running.set(false);
    cancelRound.set(true);
    if (!started.get()) {
      closeResources(deadline);
      return;
    }
    consumer.wakeup();
    control.wakeup();
    try {
      if (stopped.await(shutdownTimeout.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
      LOG.warn(
          "trainer for model {} still busy {} ms into its stop: aborting its Kafka calls",
          modelId,
          shutdownTimeout.dividedBy(2).toMillis());
      abortBlockedCalls();
      if (!stopped.await(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("trainer for model {} did not stop within {} ms", modelId, shutdownTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails whatever the loop thread is blocked in: producer calls, consumer calls, sleeps. */
  private void abortBlockedCalls() {
    try {
      sink.abort();
    } catch (RuntimeException e) {
      LOG.warn("aborting the version producer of model {}: {}", modelId, e.toString());
    }
    try {
      deadLetters.abort();
    } catch (RuntimeException e) {
      LOG.warn("aborting the dead-letter producer of model {}: {}", modelId, e.toString());
    }
    consumer.wakeup();
    control.wakeup();
    if (transformCatalog != null) {
      transformCatalog.wakeup();
    }
    Thread loop = loopThread;
    if (loop != null) {
      loop.interrupt(); // a registry-outage retry sleeps
    }
  }

  /** Closes every client within {@code deadline}; an open transaction is aborted. */
  private void closeResources(ShutdownDeadline deadline) {
    if (!resourcesClosed.compareAndSet(false, true)) {
      return;
    }
    roundExecutor.shutdownNow();
    closeClients(deadline);
    ShutdownDeadline.closeQuietly(roundTrainer, "round trainer of model " + modelId, LOG);
  }

  /** The Kafka clients and the intake, each within what is left of {@code deadline}. */
  private void closeClients(ShutdownDeadline deadline) {
    deadline.close(consumer, "examples consumer of model " + modelId, LOG);
    ShutdownDeadline.closeQuietly(
        () -> control.close(deadline.remaining()), "control consumer of model " + modelId, LOG);
    if (transformCatalog != null) {
      ShutdownDeadline.closeQuietly(
          () -> transformCatalog.close(deadline.remaining()),
          "transforms consumer of model " + modelId,
          LOG);
    }
    ShutdownDeadline.closeQuietly(
        () -> sink.close(deadline.remaining()), "version producer of model " + modelId, LOG);
    ShutdownDeadline.closeQuietly(
        () -> deadLetters.close(deadline.remaining()),
        "dead-letter producer of model " + modelId,
        LOG);
    ShutdownDeadline.closeQuietly(intake, "example intake of model " + modelId, LOG);
  }
}
