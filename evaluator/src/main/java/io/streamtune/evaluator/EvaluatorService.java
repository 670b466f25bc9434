package io.streamtune.evaluator;

import io.streamtune.model.engine.TorchNatives;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.serde.RegistryOutages;
import io.streamtune.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
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
 * <p>Run it on its own thread; {@link #close()} from any thread stops it and waits for it.
 */
public final class EvaluatorService implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorService.class);

  /** The {@code stage} of the dead letters this service writes. */
  public static final String DEAD_LETTER_STAGE = "evaluator";

  private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(5);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final EvaluatorConfig config;
  private final String holdoutTopic;
  private final String modelsTopic;
  private final String promotedTopic;
  private final String metricsTopic;
  private final String deadLetterTopic;
  private final HoldoutSet holdout;
  private final ModelLoader loader;
  private final VersionEvaluator evaluator;
  private final Clock clock;
  private final KafkaConsumer<String, Example> holdoutConsumer;
  private final KafkaConsumer<String, ModelVersion> modelsConsumer;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final Serializer<SpecificRecord> reserializer;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean clientsClosed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean holdoutAssigned;
  private volatile int holdoutSize;
  private final AtomicLong reportsPublished = new AtomicLong();
  private final AtomicLong versionsSkipped = new AtomicLong();
  private final AtomicLong registryWaits = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private volatile Throwable failure;

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
    this.clock = clock;
    Topics topics = config.kafka().topics();
    this.holdoutTopic = topics.name(Topics.EXAMPLES_HOLDOUT);
    this.modelsTopic = topics.name(Topics.MODELS);
    this.promotedTopic = topics.name(Topics.MODELS_PROMOTED);
    this.metricsTopic = topics.name(Topics.METRICS);
    this.deadLetterTopic = topics.name(Topics.DEADLETTER);
    this.holdout = new HoldoutSet(config.holdoutMaxExamples());
    this.evaluator = new VersionEvaluator(loader, new ChampionGate(config.minMacroF1Gain()), clock);
    this.loader = loader;
    String registry = config.kafka().schemaRegistryUrl();
    this.holdoutConsumer =
        new KafkaConsumer<>(
            consumerProperties(null, "holdout", 500),
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(registry, Example.class));
    this.modelsConsumer =
        new KafkaConsumer<>(
            consumerProperties(config.consumerGroup(), "models", 1),
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(registry, ModelVersion.class));
    this.producer =
        new KafkaProducer<>(
            producerProperties(), new StringSerializer(), AvroSerdes.valueSerializer(registry));
    this.reserializer = AvroSerdes.valueSerializer(registry);
  }

  private Properties consumerProperties(String groupId, String role, int maxPollRecords) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.consumerGroup() + "-" + role);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // one version at a time may wait for the holdout and then score it; stay in the group
      long maxInterval = Duration.ofMinutes(10).plus(config.holdoutWait()).toMillis();
      props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(maxInterval, 1 << 30));
    }
    return props;
  }

  private Properties producerProperties() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
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
    try {
      producer.initTransactions();
      assignHoldoutIfPresent();
      recoverChampions();
      modelsConsumer.subscribe(List.of(modelsTopic));
      LOG.info(
          "evaluator started: holdout {} (at most {} examples), models {}, reports to {},"
              + " promotions to {}, min macro F1 gain {}",
          holdoutTopic,
          config.holdoutMaxExamples(),
          modelsTopic,
          metricsTopic,
          promotedTopic,
          config.minMacroF1Gain());
      while (running) {
        pollHoldoutOnce();
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
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("evaluator stopped by an unexpected error: {}", e.toString(), e);
      throw e;
    } finally {
      running = false;
      closeClients();
      stopped.countDown();
      LOG.info(
          "evaluator stopped: {} reports published, {} versions skipped, {}",
          reportsPublished.get(),
          versionsSkipped.get(),
          holdout);
    }
  }

  /** Stops the loop and waits (up to 30 s) until it has released its clients. */
  @Override
  public void close() {
    running = false;
    if (started.compareAndSet(false, true)) {
      closeClients();
      stopped.countDown();
      return;
    }
    holdoutConsumer.wakeup();
    modelsConsumer.wakeup();
    try {
      if (!stopped.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("evaluator did not stop within {}", CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Number of examples in the holdout, as of the last poll. */
  public int holdoutSize() {
    return holdoutSize;
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
    return registryWaits.get();
  }

  public long deadLetters() {
    return deadLetters.get();
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
      publish(List.of(deadLetter(record, null, "empty (null) model version record")), next);
      versionsSkipped.incrementAndGet();
      return;
    }
    catchUpHoldout();
    waitForFirstHoldoutExample(version);
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
      publish(out, next);
      reportsPublished.incrementAndGet();
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
        publish(List.of(deadLetter(record, version, skipped.reason())), next);
      } else {
        LOG.warn(
            "skipping {} v{} without a report: {} (waited {})",
            version.getModelId(),
            version.getVersion(),
            skipped.reason(),
            config.holdoutWait());
        publish(List.of(), next);
      }
    }
  }

  /** Reads the holdout up to the end offsets it has now (the last stable offsets). */
  private void catchUpHoldout() {
    assignHoldoutIfPresent();
    if (!holdoutAssigned) {
      return;
    }
    Map<TopicPartition, Long> targets = holdoutConsumer.endOffsets(holdoutConsumer.assignment());
    long nextLog = System.nanoTime() + PROGRESS_LOG_INTERVAL.toNanos();
    while (running && !reached(targets)) {
      pollHoldoutOnce();
      if (System.nanoTime() > nextLog) {
        LOG.info("reading the holdout up to {}: {} examples so far", targets, holdout.size());
        nextLog = System.nanoTime() + PROGRESS_LOG_INTERVAL.toNanos();
      }
    }
  }

  private boolean reached(Map<TopicPartition, Long> targets) {
    for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
      if (holdoutConsumer.position(target.getKey()) < target.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void waitForFirstHoldoutExample(ModelVersion version) {
    if (!holdout.isEmpty()) {
      return;
    }
    LOG.info(
        "{} v{} waits up to {} for a first holdout example",
        version.getModelId(),
        version.getVersion(),
        config.holdoutWait());
    long deadline = System.nanoTime() + config.holdoutWait().toNanos();
    while (running && holdout.isEmpty() && System.nanoTime() < deadline) {
      pollHoldoutOnce();
    }
  }

  private void assignHoldoutIfPresent() {
    if (holdoutAssigned) {
      return;
    }
    List<PartitionInfo> partitions = holdoutConsumer.partitionsFor(holdoutTopic);
    if (partitions == null || partitions.isEmpty()) {
      return;
    }
    List<TopicPartition> assigned = new ArrayList<>();
    partitions.forEach(p -> assigned.add(new TopicPartition(p.topic(), p.partition())));
    holdoutConsumer.assign(assigned);
    holdoutConsumer.seekToBeginning(assigned);
    holdoutAssigned = true;
    LOG.info("reading holdout partitions {} from the beginning", assigned);
  }

  private void pollHoldoutOnce() {
    assignHoldoutIfPresent();
    if (!holdoutAssigned) {
      sleep(config.pollTimeout()); // the topic does not exist yet
      return;
    }
    ConsumerRecords<String, Example> records;
    try {
      records = holdoutConsumer.poll(config.pollTimeout());
    } catch (RecordDeserializationException e) {
      if (waitedForRegistry(holdoutConsumer, e)) {
        return;
      }
      holdoutConsumer.seek(e.topicPartition(), e.offset() + 1);
      LOG.error(
          "dead-lettering undecodable holdout record {}@{}: {}",
          e.topicPartition(),
          e.offset(),
          e.getMessage());
      publish(List.of(deadLetter(e)), Map.of());
      return;
    }
    List<ProducerRecord<String, SpecificRecord>> rejected = new ArrayList<>();
    for (ConsumerRecord<String, Example> record : records) {
      Example example = record.value();
      if (example == null) {
        rejected.add(deadLetter(record, null, "empty (null) holdout example record"));
        continue;
      }
      HoldoutSet.Outcome outcome =
          holdout.add(example, record.topic(), record.partition(), record.offset());
      if (outcome == HoldoutSet.Outcome.REJECTED_FEATURE_COUNT) {
        String reason =
            "holdout example has "
                + example.getFeatures().size()
                + " features but the holdout's examples have "
                + holdout.featureCount().orElse(-1);
        LOG.warn("dead-lettering holdout example {}: {}", example.getId(), reason);
        rejected.add(deadLetter(record, example, reason));
      }
    }
    if (!rejected.isEmpty()) {
      publish(rejected, Map.of());
    }
    holdoutSize = holdout.size();
  }

  private ConsumerRecords<String, ModelVersion> pollModels() {
    try {
      return modelsConsumer.poll(config.pollTimeout());
    } catch (RecordDeserializationException e) {
      if (waitedForRegistry(modelsConsumer, e)) {
        return ConsumerRecords.empty();
      }
      LOG.error(
          "dead-lettering undecodable model version record {}@{}: {}",
          e.topicPartition(),
          e.offset(),
          e.getMessage());
      modelsConsumer.seek(e.topicPartition(), e.offset() + 1);
      publish(
          List.of(deadLetter(e)),
          Map.of(e.topicPartition(), new OffsetAndMetadata(e.offset() + 1)));
      versionsSkipped.incrementAndGet();
      return ConsumerRecords.empty();
    }
  }

  /** The last version on the promoted topic per model is the champion to beat. */
  private void recoverChampions() {
    Properties props = consumerProperties(null, "promoted-reader", 500);
    try (KafkaConsumer<String, ModelVersion> reader =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(config.kafka().schemaRegistryUrl(), ModelVersion.class))) {
      List<PartitionInfo> partitions = reader.partitionsFor(promotedTopic);
      if (partitions == null || partitions.isEmpty()) {
        return;
      }
      List<TopicPartition> assigned = new ArrayList<>();
      partitions.forEach(p -> assigned.add(new TopicPartition(p.topic(), p.partition())));
      reader.assign(assigned);
      reader.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = reader.endOffsets(assigned);
      Map<String, ModelVersion> last = new HashMap<>();
      while (running
          && !end.entrySet().stream().allMatch(t -> reader.position(t.getKey()) >= t.getValue())) {
        try {
          for (ConsumerRecord<String, ModelVersion> record : reader.poll(config.pollTimeout())) {
            if (record.value() != null) {
              last.merge(
                  record.value().getModelId(),
                  record.value(),
                  (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
            }
          }
        } catch (RecordDeserializationException e) {
          LOG.warn("ignoring undecodable promoted record {}@{}", e.topicPartition(), e.offset());
          reader.seek(e.topicPartition(), e.offset() + 1);
        }
      }
      last.values()
          .forEach(
              v -> {
                evaluator.recoverChampion(v);
                LOG.info(
                    "champion of {} is v{} (from {})",
                    v.getModelId(),
                    v.getVersion(),
                    promotedTopic);
              });
    }
  }

  /** Writes records and, when given, the models consumer's next offsets in one transaction. */
  private void publish(
      List<ProducerRecord<String, SpecificRecord>> records,
      Map<TopicPartition, OffsetAndMetadata> modelOffsets) {
    producer.beginTransaction();
    try {
      for (ProducerRecord<String, SpecificRecord> record : records) {
        producer.send(record);
      }
      if (!modelOffsets.isEmpty()) {
        producer.sendOffsetsToTransaction(modelOffsets, modelsConsumer.groupMetadata());
      }
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException e) {
      throw new IllegalStateException(
          "another evaluator with transactional id of group '"
              + config.consumerGroup()
              + "' took over; stopping",
          e);
    } catch (KafkaException e) {
      producer.abortTransaction();
      throw e;
    }
    deadLetters.addAndGet(records.stream().filter(r -> r.topic().equals(deadLetterTopic)).count());
  }

  private ProducerRecord<String, SpecificRecord> deadLetter(
      ConsumerRecord<String, ?> record, SpecificRecord value, String reason) {
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(record.topic(), record.partition(), record.offset()),
            record.key(),
            record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
            // the typed consumer keeps no bytes; the same Avro record re-encodes identically
            value == null ? null : reserializer.serialize(record.topic(), value),
            DEAD_LETTER_STAGE,
            reason,
            clock.instant());
    return new ProducerRecord<>(deadLetterTopic, record.key(), letter);
  }

  private ProducerRecord<String, SpecificRecord> deadLetter(RecordDeserializationException e) {
    ByteBuffer key = e.keyBuffer();
    String recordId = null;
    if (key != null) {
      byte[] bytes = new byte[key.remaining()];
      key.duplicate().get(bytes);
      recordId = new String(bytes, StandardCharsets.UTF_8);
    }
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(
                e.topicPartition().topic(), e.topicPartition().partition(), e.offset()),
            recordId,
            key == null ? null : bytes(key),
            e.valueBuffer() == null ? null : bytes(e.valueBuffer()),
            DEAD_LETTER_STAGE,
            "cannot decode record: " + rootMessage(e),
            clock.instant());
    return new ProducerRecord<>(deadLetterTopic, recordId, letter);
  }

  /**
   * A registry outage is not the record's fault: the consumer goes back to the record and the loop
   * polls it again a second later, instead of dead-lettering it.
   */
  private boolean waitedForRegistry(Consumer<?, ?> consumer, RecordDeserializationException e) {
    if (!RegistryOutages.isOutage(e)) {
      return false;
    }
    LOG.warn(
        "schema registry unavailable while decoding {}@{} ({}); retrying in 1 s",
        e.topicPartition(),
        e.offset(),
        e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    consumer.seek(e.topicPartition(), e.offset());
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    registryWaits.incrementAndGet();
    return true;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private void closeClients() {
    if (!clientsClosed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(holdoutConsumer, "holdout consumer");
    closeQuietly(modelsConsumer, "models consumer");
    closeQuietly(producer, "report producer");
    closeQuietly(reserializer, "serializer");
    if (loader instanceof AutoCloseable closeable) {
      closeQuietly(closeable, "model loader");
    }
  }

  private static void closeQuietly(AutoCloseable closeable, String what) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("error closing the {}: {}", what, e.toString());
    }
  }
}
