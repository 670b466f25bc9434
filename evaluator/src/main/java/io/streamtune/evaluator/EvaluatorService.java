package io.streamtune.evaluator;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamtune.common.control.ControlTopic;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.shutdown.ShutdownDeadline;
import io.streamtune.model.engine.TorchNatives;
import io.streamtune.model.scoring.ModelLoader;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's Kafka loop: keeps the holdout from {@code examples.holdout} in a {@link
 * HoldoutSet}, and for every {@link ModelVersion} on {@code models} reads the holdout up to its
 * end, scores the version with {@link VersionEvaluator}, and publishes the {@link EvaluationReport}
 * to {@code metrics} and a promoted version to {@code models.promoted}.
 *
 * <p>Reports, promotions and the models consumer's offset are written in one Kafka transaction, so
 * a crash between scoring and publishing neither loses a report nor writes it twice. The holdout is
 * always re-read from the beginning (no committed offsets): it is the evaluator's state. The last
 * promoted version of each model, read back from {@code models.promoted} at start, is the champion
 * a new version must beat.
 *
 * <p>The parts live beside it: {@link HoldoutReader} keeps the holdout, {@link ReportPublisher}
 * writes the transactions and builds dead letters, {@link PromotedChampions} reads the champions
 * back, {@link VersionEvaluator} scores and gates; this class is the loop that ties them together.
 *
 * <p>Run it on its own thread; {@link #close()} from any thread stops it and waits for it.
 */
public final class EvaluatorService implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorService.class);

  /** The {@code stage} of the dead letters this service writes. */
  public static final String DEAD_LETTER_STAGE = "evaluator";

  private final EvaluatorConfig config;
  private final String holdoutTopic;
  private final String modelsTopic;
  private final String promotedTopic;
  private final String metricsTopic;
  private final HoldoutSet holdout;
  private final ModelLoader loader;
  private final VersionEvaluator evaluator;
  private final KafkaConsumer<String, Example> holdoutConsumer;
  private final KafkaConsumer<String, ModelVersion> modelsConsumer;
  private final ReportPublisher publisher;
  private final RegistryOutageWait registryWait = new RegistryOutageWait();
  private final HoldoutReader holdoutReader;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean clientsClosed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  /** Set, under {@link #interruptLock}, once the loop closes its clients: no interrupt then. */
  private boolean closingClients;

  private final Object interruptLock = new Object();
  private volatile Thread loopThread;
  private volatile KafkaConsumer<String, ModelVersion> championsReader;
  private final ControlTopic control;
  private final AtomicLong reportsPublished = new AtomicLong();
  private final AtomicLong versionsSkipped = new AtomicLong();
  private volatile Throwable failure;
  private final EvaluatorMeters meters = new EvaluatorMeters();

  public EvaluatorService(EvaluatorConfig config) {
    this(config, storeLoader(config.modelStore()), Clock.systemUTC());
  }

  private static ModelLoader storeLoader(Path modelStore) {
    // before any model loads: the natives decide whether DJL may stay offline
    TorchNatives.configure();
    return new StoreModelLoader(modelStore);
  }

  /**
   * @param loader how model versions are loaded (the model store by default)
   */
  public EvaluatorService(EvaluatorConfig config, ModelLoader loader, Clock clock) {
    this.config = config;
    Topics topics = config.kafka().topics();
    this.holdoutTopic = topics.name(Topics.EXAMPLES_HOLDOUT);
    this.modelsTopic = topics.name(Topics.MODELS);
    this.promotedTopic = topics.name(Topics.MODELS_PROMOTED);
    this.metricsTopic = topics.name(Topics.METRICS);
    this.holdout = new HoldoutSet(config.holdoutMaxExamples());
    this.control =
        new ControlTopic(
            config.kafka(), topics.name(Topics.CONTROL), config.spec().name(), "evaluator");
    this.evaluator = new VersionEvaluator(loader, config.spec().evaluator(), clock);
    this.loader = loader;
    String registry = config.kafka().schemaRegistryUrl();
    Map<String, String> registrySettings = config.kafka().registrySettings();
    this.holdoutConsumer =
        new KafkaConsumer<>(
            consumerProperties(null, "holdout", 500),
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(registry, registrySettings, Example.class));
    this.modelsConsumer =
        new KafkaConsumer<>(
            consumerProperties(config.consumerGroup(), "models", 1),
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(registry, registrySettings, ModelVersion.class));
    this.publisher =
        new ReportPublisher(
            new KafkaProducer<>(
                producerProperties(),
                new StringSerializer(),
                AvroSerdes.valueSerializer(registry, registrySettings)),
            AvroSerdes.valueSerializer(registry, registrySettings),
            modelsConsumer::groupMetadata,
            topics.name(Topics.DEADLETTER),
            config.consumerGroup(),
            clock);
    this.holdoutReader =
        new HoldoutReader(
            holdoutConsumer,
            holdoutTopic,
            holdout,
            config.pollTimeout(),
            publisher,
            registryWait,
            () -> running);
  }

  private Properties consumerProperties(String groupId, String role, int maxPollRecords) {
    Properties props = config.kafka().clientProperties();
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.consumerGroup() + "-" + role);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // Static membership, named like the transactional id (one live evaluator per models topic):
      // an evaluator restarted after a crash (kill -9) takes the models partitions back at once
      // instead of waiting out the dead member's session (45 s)
      props.put(
          ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.consumerGroup() + "-" + modelsTopic);
      // one version at a time may wait for the holdout and then score it; stay in the group
      long maxInterval = Duration.ofMinutes(10).plus(config.holdoutWait()).toMillis();
      props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(maxInterval, 1 << 30));
    }
    return props;
  }

  private Properties producerProperties() {
    Properties props = config.kafka().clientProperties();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.consumerGroup() + "-reports");
    // stable across restarts, so a restarted evaluator fences and aborts its predecessor's
    // unfinished transaction instead of leaving it open
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.consumerGroup() + "-" + modelsTopic);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return props;
  }

  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      if (!running) {
        return; // closed before it ran
      }
      throw new IllegalStateException("EvaluatorService.run() was already called");
    }
    loopThread = Thread.currentThread();
    try {
      publisher.initTransactions();
      holdoutReader.assignIfPresent();
      recoverChampions();
      modelsConsumer.subscribe(List.of(modelsTopic));
      LOG.info(
          "evaluator started: holdout {} (at most {} examples), models {}, reports to {},"
              + " promotions to {}, {}",
          holdoutTopic,
          config.holdoutMaxExamples(),
          modelsTopic,
          metricsTopic,
          promotedTopic,
          config.spec().evaluator());
      while (running) {
        followPromotions();
        forgetStaleHoldoutOnConceptDrift();
        holdoutReader.pollOnce();
        for (ConsumerRecord<String, ModelVersion> record : pollModels()) {
          if (!running) {
            break;
          }
          handle(record);
        }
      }
    } catch (WakeupException | InterruptException e) {
      if (running) {
        failure = e;
        LOG.error("evaluator interrupted while running", e);
      }
    } catch (RuntimeException e) {
      if (!running) {
        // a call the stop cut short (closed producer, interrupt): nothing of it was committed
        LOG.info("evaluator stopping: {}", e.toString());
        return;
      }
      failure = e;
      LOG.error("evaluator stopped by an unexpected error: {}", e.toString(), e);
      throw e;
    } catch (Error e) {
      failure = e;
      LOG.error("evaluator stopped by an unexpected error: {}", e.toString(), e);
      throw e;
    } finally {
      running = false;
      // a stop that had to interrupt this thread must not make the closes below fail half-done
      // (seen: "error closing the promoted reader: InterruptException" after a blocked report)
      boolean interrupted;
      synchronized (interruptLock) {
        closingClients = true;
        interrupted = Thread.interrupted();
      }
      long closing = System.nanoTime();
      closeClients(ShutdownDeadline.after(config.shutdownTimeout().dividedBy(2)));
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
      LOG.info(
          "evaluator stopped (clients closed in {} ms): {} reports published, {} versions skipped,"
              + " {}",
          (System.nanoTime() - closing) / 1_000_000,
          reportsPublished.get(),
          versionsSkipped.get(),
          holdout);
    }
  }

  /**
   * Stops the loop and waits until it has released its clients, within the shutdown budget ({@link
   * EvaluatorConfig#shutdownTimeout()}) whatever state Kafka is in: the consumers are woken; after
   * half the budget a call still blocked on the broker ({@code initTransactions}, a commit) is cut
   * short by closing the producer from this thread, so the open transaction is aborted and the
   * version's offset stays uncommitted (the next start scores it again).
   */
  @Override
  public void close() {
    Duration budget = config.shutdownTimeout();
    ShutdownDeadline deadline = ShutdownDeadline.after(budget);
    running = false;
    if (started.compareAndSet(false, true)) {
      closeClients(deadline);
      stopped.countDown();
      return;
    }
    wakeConsumers();
    try {
      if (stopped.await(budget.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
      LOG.warn(
          "evaluator still busy {} ms into its stop: aborting its Kafka calls",
          budget.dividedBy(2).toMillis());
      try {
        publisher.abort();
      } catch (RuntimeException e) {
        LOG.warn("aborting the report producer: {}", e.toString());
      }
      wakeConsumers();
      Thread loop = loopThread;
      synchronized (interruptLock) {
        if (loop != null && !closingClients) {
          loop.interrupt(); // a holdout wait or registry-outage retry sleeps
        }
      }
      if (!stopped.await(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("evaluator did not stop within {} ms", budget.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void wakeConsumers() {
    holdoutConsumer.wakeup();
    modelsConsumer.wakeup();
    control.wakeup();
    KafkaConsumer<String, ModelVersion> reader = championsReader;
    if (reader != null) {
      reader.wakeup();
    }
  }

  /**
   * Exports the evaluator's meters ({@link EvaluatorMeters}) and its models consumer's Kafka
   * metrics (consumer lag) on {@code endpoint}.
   */
  public void bindMetrics(MetricsEndpoint endpoint) {
    meters.bind(endpoint.registry(), this);
    endpoint.bindClosing(new KafkaClientMetrics(holdoutConsumer));
    endpoint.bindClosing(new KafkaClientMetrics(modelsConsumer));
  }

  /** Number of examples in the holdout, as of the last poll. */
  public int holdoutSize() {
    return holdoutReader.size();
  }

  public long reportsPublished() {
    return reportsPublished.get();
  }

  /** Versions that got no report: unloadable, incompatible, or no holdout to score them on. */
  public long versionsSkipped() {
    return versionsSkipped.get();
  }

  /**
   * Polls that met a schema-registry outage and went back to the record instead of dead-lettering.
   */
  public long registryWaits() {
    return registryWait.count();
  }

  public long deadLetters() {
    return publisher.deadLetters();
  }

  /** The error that stopped the loop, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public boolean isRunning() {
    return started.get() && stopped.getCount() > 0;
  }

  private void handle(ConsumerRecord<String, ModelVersion> record) {
    Map<TopicPartition, OffsetAndMetadata> next =
        Map.of(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1));
    ModelVersion version = record.value();
    if (version == null) {
      LOG.error(
          "skipping an empty model version record at {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset());
      publisher.publish(
          List.of(publisher.deadLetter(record, null, "empty (null) model version record")), next);
      versionsSkipped.incrementAndGet();
      return;
    }
    holdoutReader.catchUp();
    holdoutReader.waitForFirstExample(version, config.holdoutWait());
    if (!running) {
      return; // stopping: leave the version uncommitted so the next start scores it
    }
    HoldoutSet.Snapshot snapshot = holdout.snapshot();
    VersionEvaluator.Result result = evaluator.evaluate(version, snapshot);
    if (result instanceof VersionEvaluator.Evaluated evaluated) {
      List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>();
      EvaluationReport report = evaluated.report();
      out.add(new ProducerRecord<>(metricsTopic, version.getModelId(), report));
      evaluated
          .promoted()
          .ifPresent(v -> out.add(new ProducerRecord<>(promotedTopic, v.getModelId(), v)));
      publisher.publish(out, next);
      reportsPublished.incrementAndGet();
      meters.reportPublished(report);
      LOG.info(
          "evaluated {} v{}: holdout {} examples, accuracy {}, macro F1 {} (majority baseline {}),"
              + " promoted {}: {}",
          version.getModelId(),
          version.getVersion(),
          report.getHoldoutSize(),
          format(report.getAccuracy()),
          format(report.getMacroF1()),
          format(report.getMajorityBaselineMacroF1()),
          report.getPromoted(),
          report.getGateReason());
    } else if (result instanceof VersionEvaluator.Skipped skipped) {
      versionsSkipped.incrementAndGet();
      if (skipped.error()) {
        LOG.error(
            "skipping {} v{} without a report: {}",
            version.getModelId(),
            version.getVersion(),
            skipped.reason());
        publisher.publish(List.of(publisher.deadLetter(record, version, skipped.reason())), next);
      } else {
        LOG.warn(
            "skipping {} v{} without a report: {} (waited {})",
            version.getModelId(),
            version.getVersion(),
            skipped.reason(),
            config.holdoutWait());
        publisher.publish(List.of(), next);
      }
    }
  }

  private ConsumerRecords<String, ModelVersion> pollModels() {
    try {
      return modelsConsumer.poll(config.pollTimeout());
    } catch (RecordDeserializationException e) {
      if (registryWait.waited(modelsConsumer, e)) {
        return ConsumerRecords.empty();
      }
      LOG.error(
          "dead-lettering undecodable model version record {}@{}: {}",
          e.topicPartition(),
          e.offset(),
          e.getMessage());
      modelsConsumer.seek(e.topicPartition(), e.offset() + 1);
      publisher.publish(
          List.of(publisher.deadLetter(e)),
          Map.of(e.topicPartition(), new OffsetAndMetadata(e.offset() + 1)));
      versionsSkipped.incrementAndGet();
      return ConsumerRecords.empty();
    }
  }

  /**
   * Re-promotions written by others while this runs (a rollback by the feedback app or {@code
   * streamtune rollback}) replace the champion to beat.
   */
  private void followPromotions() {
    KafkaConsumer<String, ModelVersion> reader = championsReader;
    if (reader == null) {
      return;
    }
    for (ModelVersion promoted : PromotedChampions.pollNew(reader)) {
      if (evaluator.followPromotion(promoted)) {
        LOG.info(
            "champion of {} is now v{} (re-promoted on {})",
            promoted.getModelId(),
            promoted.getVersion(),
            promotedTopic);
      }
    }
  }

  /**
   * After a concept drift the holdout's older examples hold the old concept: they would gate every
   * adapted version out, so all but the newest {@code evaluator.drift.holdout.keep} are forgotten.
   */
  private void forgetStaleHoldoutOnConceptDrift() {
    boolean conceptDrift =
        control.poll(false).stream().anyMatch(r -> r.getTrigger() == RetrainCause.CONCEPT_DRIFT);
    if (conceptDrift) {
      int forgotten = holdout.forgetAllButNewest(config.driftHoldoutKeep());
      LOG.info(
          "concept drift on {}: forgot {} holdout examples of the old concept, {} kept",
          config.spec().name(),
          forgotten,
          holdout.size());
    }
  }

  /** The last version on the promoted topic per model is the champion to beat. */
  private void recoverChampions() {
    KafkaConsumer<String, ModelVersion> reader =
        new KafkaConsumer<>(
            consumerProperties(null, "promoted-reader", 500),
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(
                config.kafka().schemaRegistryUrl(),
                config.kafka().registrySettings(),
                ModelVersion.class));
    championsReader = reader;
    if (!running) {
      return; // closed before the reader was there to wake
    }
    PromotedChampions.read(reader, promotedTopic, config.pollTimeout(), () -> running)
        .values()
        .forEach(
            v -> {
              evaluator.recoverChampion(v);
              LOG.info(
                  "champion of {} is v{} (from {})", v.getModelId(), v.getVersion(), promotedTopic);
            });
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  /** Closes every client within {@code deadline}; an open transaction is aborted. */
  private void closeClients(ShutdownDeadline deadline) {
    if (!clientsClosed.compareAndSet(false, true)) {
      return;
    }
    deadline.close(holdoutConsumer, "holdout consumer", LOG);
    deadline.close(modelsConsumer, "models consumer", LOG);
    KafkaConsumer<String, ModelVersion> reader = championsReader;
    if (reader != null) {
      deadline.close(reader, "promoted reader", LOG);
    }
    ShutdownDeadline.closeQuietly(
        () -> control.close(deadline.remaining()), "control consumer", LOG);
    ShutdownDeadline.closeQuietly(
        () -> publisher.close(deadline.remaining()), "report producer", LOG);
    if (loader instanceof AutoCloseable closeable) {
      ShutdownDeadline.closeQuietly(closeable, "model loader", LOG);
    }
  }
}
