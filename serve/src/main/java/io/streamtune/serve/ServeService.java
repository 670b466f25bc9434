package io.streamtune.serve;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamtune.common.metrics.MetricsEndpoint;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.common.shutdown.ShutdownDeadline;
import io.streamtune.model.engine.TorchNatives;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Prediction;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.serde.RegistryOutages;
import io.streamtune.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the champion of the spec's model: every request on {@code requests} becomes exactly one
 * CHAMPION {@link Prediction} on {@code predictions} or one dead letter, exactly once: one
 * transactional producer writes a poll batch's predictions, dead letters and the requests
 * consumer's offsets in one transaction ({@code read_committed} readers see all of it or none).
 *
 * <p>The champion is the last record of the model on {@code models.promoted} (by offset: a rollback
 * promotes an older version again), read from the beginning at start and polled between batches; a
 * new one is loaded outside any transaction and swapped in between two, so no request is dropped or
 * answered twice. The champion it replaces stays as the shadow for {@code serve.shadow.requests}
 * requests: each of them also gets a SHADOW prediction. Before any promotion, a request is
 * dead-lettered (stage {@code serve}), so requests = CHAMPION predictions + dead letters always
 * holds.
 *
 * <p>{@code POST /predict} ({@code serve.http.port}, on loopback unless {@code serve.http.host}
 * says otherwise) answers JSON through the same champion and the same {@link ServingModel} path:
 * the body becomes the RawRecord a producer would send; a prediction is also written to {@code
 * predictions} (source {@code http}), a refusal (400) to {@code deadletter}; 503 before any
 * champion, 413 over {@code serve.http.max.body.bytes}.
 *
 * <p>The Kafka loop only moves data: validation, the fitted transform and scoring are {@link
 * ServingModel}'s, the champion and shadow {@link ChampionSlot}'s, following promotions {@link
 * PromotionFollower}'s, the HTTP endpoint {@link HttpAnswering}'s and the records written {@link
 * ServeRecords}'.
 */
public final class ServeService implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServeService.class);

  /** How a promoted version becomes a servable model. */
  @FunctionalInterface
  public interface VersionLoader {
    /**
     * @throws RuntimeException naming the version and path when it cannot be served
     */
    ServingModel load(ModelVersion version, Deserializer<RawRecord> requestDeserializer);
  }

  private final ServeConfig config;
  private final String requestsTopic;
  private final String predictionsTopic;
  private final Clock clock;
  private final AutoCloseable loaderResources;
  private final Deserializer<RawRecord> requestDeserializer;
  private final KafkaConsumer<byte[], byte[]> requestsConsumer;
  private final PromotionFollower promotions;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final ChampionSlot slot;
  private final ServeRecords serveRecords;

  /** Null when {@code serve.http.port} is off. */
  private final HttpAnswering http;

  /** The champion's input-drift windows (loop thread only); null when it has no reference. */
  private InputDrift drift;

  /** Guards the slot: the loop's batches and the HTTP endpoint's calls score one at a time. */
  private final Object scoring = new Object();

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean clientsClosed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile Thread loopThread;
  private volatile Throwable failure;
  private final ServeMeters meters = new ServeMeters();

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong predictions = new AtomicLong();
  private final AtomicLong shadowPredictions = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong transactionRetries = new AtomicLong();
  private final AtomicLong driftRequests = new AtomicLong();

  public ServeService(ServeConfig config) {
    this(config, storeLoader(config), Clock.systemUTC());
  }

  private record StoreVersionLoader(ServeConfig config, StoreModelLoader store)
      implements VersionLoader, AutoCloseable {
    @Override
    public ServingModel load(ModelVersion version, Deserializer<RawRecord> deserializer) {
      return ServingModel.load(version, config.spec(), store, deserializer);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  private static VersionLoader storeLoader(ServeConfig config) {
    // before any model loads: the natives decide whether DJL may stay offline
    TorchNatives.configure();
    // no embedding cache by id: two requests may share an id and not their text
    return new StoreVersionLoader(config, new StoreModelLoader(config.modelStore(), false));
  }

  /**
   * @param loader how promoted versions are loaded (the model store by default); closed with the
   *     service when it is {@link AutoCloseable}
   */
  public ServeService(ServeConfig config, VersionLoader loader, Clock clock) {
    this.config = config;
    this.loaderResources = loader instanceof AutoCloseable closeable ? closeable : null;
    this.clock = clock;
    Topics topics = config.kafka().topics();
    this.requestsTopic = topics.name(Topics.REQUESTS);
    this.predictionsTopic = topics.name(Topics.PREDICTIONS);
    this.slot = new ChampionSlot(config.modelId(), config.shadowRequests());
    this.serveRecords = new ServeRecords(config.modelId(), topics);
    String registry = config.kafka().schemaRegistryUrl();
    Map<String, String> registrySettings = config.kafka().registrySettings();
    this.requestDeserializer =
        AvroSerdes.valueDeserializer(registry, registrySettings, RawRecord.class);
    this.requestsConsumer =
        new KafkaConsumer<>(
            consumerProperties(config.consumerGroup(), "requests", config.maxPollRecords()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.promotions =
        new PromotionFollower(
            config,
            consumerProperties(null, "promoted", 100),
            loader,
            requestDeserializer,
            slot,
            scoring,
            next -> drift = InputDrift.forChampion(next, config));
    this.producer =
        new KafkaProducer<>(
            producerProperties(),
            new StringSerializer(),
            AvroSerdes.valueSerializer(registry, registrySettings));
    this.http =
        config.httpPort() >= 0
            ? new HttpAnswering(config, slot, scoring, serveRecords, clock, meters)
            : null;
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
      // Static membership, named like the transactional id (one live serve per requests topic):
      // a serve restarted after a crash (kill -9) takes the requests partitions back at once
      // instead of waiting out the dead member's session (45 s)
      props.put(
          ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.consumerGroup() + "-" + requestsTopic);
    }
    return props;
  }

  private Properties producerProperties() {
    Properties props = config.kafka().clientProperties();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.consumerGroup() + "-predictions");
    // stable across restarts, so a restarted service fences its predecessor and aborts its open
    // transaction instead of leaving it to time out
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.consumerGroup() + "-" + requestsTopic);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return props;
  }

  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      if (!running) {
        return; // closed before it ran
      }
      throw new IllegalStateException("ServeService.run() was already called");
    }
    loopThread = Thread.currentThread();
    try {
      if (http != null) {
        http.listen();
      }
      producer.initTransactions();
      promotions.readChampionAtStart(() -> running);
      requestsConsumer.subscribe(List.of(requestsTopic));
      LOG.info(
          "serve started: model {}, champion {}, requests {}, predictions to {}, shadow for {}"
              + " requests after a swap",
          config.modelId(),
          promotions.championName(),
          requestsTopic,
          predictionsTopic,
          config.shadowRequests());
      ready.countDown();
      while (running) {
        ConsumerRecords<byte[], byte[]> batch = requestsConsumer.poll(config.pollTimeout());
        if (!batch.isEmpty() && running) {
          answer(batch);
        }
        if (running) {
          promotions.checkPromotions(Duration.ZERO);
        }
      }
    } catch (WakeupException | InterruptException e) {
      if (running) {
        failure = e;
        LOG.error("serve interrupted while running", e);
      }
    } catch (RuntimeException e) {
      if (!running) {
        // a call the stop cut short (closed producer, interrupt): nothing of it was committed
        LOG.info("serve stopping: {}", e.toString());
        return;
      }
      failure = e;
      LOG.error("serve stopped by an unexpected error: {}", e.toString(), e);
      throw e;
    } catch (Error e) {
      failure = e;
      LOG.error("serve stopped by an unexpected error: {}", e.toString(), e);
      throw e;
    } finally {
      running = false;
      ready.countDown();
      long closing = System.nanoTime();
      closeClients(ShutdownDeadline.after(config.shutdownTimeout().dividedBy(2)));
      stopped.countDown();
      LOG.info(
          "serve stopped (clients closed in {} ms): {} requests, {} predictions, {} shadow"
              + " predictions, {} dead letters, {} swaps",
          (System.nanoTime() - closing) / 1_000_000,
          requests.get(),
          predictions.get(),
          shadowPredictions.get(),
          deadLetters.get(),
          promotions.swaps());
    }
  }

  /** One poll batch: scored, then its answers and offsets in one transaction. */
  private void answer(ConsumerRecords<byte[], byte[]> batch) {
    long takenNanos = System.nanoTime();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(batch.count());
    List<RawEnvelope> envelopes = new ArrayList<>(batch.count());
    Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : batch) {
      records.add(record);
      envelopes.add(
          new RawEnvelope(
              record.topic(), record.partition(), record.offset(), record.key(), record.value()));
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      firstOffsets.putIfAbsent(partition, record.offset());
      next.put(partition, new OffsetAndMetadata(record.offset() + 1));
    }
    InputDrift.State driftBefore = drift == null ? null : drift.checkpoint();
    ChampionSlot.Scored scored;
    try {
      synchronized (scoring) {
        scored = slot.score(envelopes);
      }
    } catch (RuntimeException e) {
      if (RegistryOutages.isOutage(e)) {
        LOG.warn("schema registry unavailable while decoding requests; reading them again");
        rewind(firstOffsets);
        pause();
        return;
      }
      throw e;
    }
    long latencyMicros = (System.nanoTime() - takenNanos) / 1_000;
    Instant servedAt = clock.instant();
    ServeRecords.Batch answers =
        serveRecords.batch(records, scored, drift, latencyMicros, servedAt);
    if (!commit(answers.out(), next, firstOffsets)) {
      if (driftBefore != null) {
        drift.restore(driftBefore); // the batch is read again and counted then
      }
      return;
    }
    driftRequests.addAndGet(answers.retrains());
    requests.addAndGet(records.size());
    predictions.addAndGet(answers.predicted());
    deadLetters.addAndGet(answers.rejected());
    shadowPredictions.addAndGet(answers.shadowed());
    meters.kafkaBatchAnswered(records.size(), latencyMicros);
  }

  /**
   * Writes {@code out} and the consumer's next offsets in one transaction.
   *
   * @return false when the transaction was aborted and the batch will be read again
   */
  private boolean commit(
      List<ProducerRecord<String, SpecificRecord>> out,
      Map<TopicPartition, OffsetAndMetadata> next,
      Map<TopicPartition, Long> firstOffsets) {
    producer.beginTransaction();
    try {
      for (ProducerRecord<String, SpecificRecord> record : out) {
        producer.send(record);
      }
      producer.sendOffsetsToTransaction(next, requestsConsumer.groupMetadata());
      producer.commitTransaction();
      return true;
    } catch (ProducerFencedException
        | InvalidProducerEpochException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw new IllegalStateException(
          "the predictions producer of group '"
              + config.consumerGroup()
              + "' cannot go on (another serve instance with its transactional id took over, or"
              + " the broker refuses it); stopping",
          e);
    } catch (KafkaException e) {
      if (!running) {
        throw e;
      }
      // nothing of the batch is visible; read it again from its first offsets
      LOG.warn(
          "transaction of {} records aborted, the batch is read again: {}",
          out.size(),
          e.toString());
      producer.abortTransaction();
      transactionRetries.incrementAndGet();
      rewind(firstOffsets);
      pause();
      return false;
    }
  }

  /**
   * Back to a batch's first offsets, on the partitions still assigned (a rebalance may move them).
   */
  private void rewind(Map<TopicPartition, Long> firstOffsets) {
    var assigned = requestsConsumer.assignment();
    firstOffsets.forEach(
        (partition, offset) -> {
          if (assigned.contains(partition)) {
            requestsConsumer.seek(partition, offset);
          }
        });
  }

  private void pause() {
    try {
      Thread.sleep(config.pollTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  // ------------------------------------------------------------------ HTTP

  /** The source of an HTTP prediction and the topic of an HTTP dead letter. */
  public static final String HTTP_SOURCE = "http";

  /** The HTTP endpoint's URL once the service runs with one. */
  public Optional<String> httpUrl() {
    return http == null ? Optional.empty() : http.url();
  }

  /** RetrainRequests sent for input drift. */
  public long driftRequests() {
    return driftRequests.get();
  }

  public long httpPredictions() {
    return http == null ? 0 : http.predictions();
  }

  /** HTTP requests answered 400 (and dead-lettered). */
  public long httpRefusals() {
    return http == null ? 0 : http.refusals();
  }

  // ------------------------------------------------------------------ state

  /** Waits until the champion at start is read and requests are consumed (or the loop ended). */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && running;
  }

  /** The version serving now. */
  /**
   * Exports serve's meters ({@link ServeMeters}) and its requests consumer's Kafka metrics
   * (consumer lag) on {@code endpoint}.
   */
  public void bindMetrics(MetricsEndpoint endpoint) {
    meters.bind(endpoint.registry(), this);
    endpoint.bindClosing(new KafkaClientMetrics(requestsConsumer));
  }

  public Optional<Integer> championVersion() {
    synchronized (scoring) {
      ServingModel champion = slot.champion();
      return champion == null ? Optional.empty() : Optional.of(champion.versionNumber());
    }
  }

  public long requests() {
    return requests.get();
  }

  public long predictions() {
    return predictions.get();
  }

  /** The champion's predictions on both paths: the Kafka path's and the HTTP endpoint's. */
  public long championPredictions() {
    return predictions() + httpPredictions();
  }

  public long shadowPredictions() {
    return shadowPredictions.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  public long swaps() {
    return promotions.swaps();
  }

  /** Transactions aborted and their batch read again (the broker was unavailable). */
  public long transactionRetries() {
    return transactionRetries.get();
  }

  /** The error that stopped the loop, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public boolean isRunning() {
    return started.get() && stopped.getCount() > 0;
  }

  // ------------------------------------------------------------------ stop

  /**
   * Stops the loop and waits until it has released its clients, within {@code
   * service.shutdown.timeout.ms} whatever state Kafka is in: the consumers are woken; after half
   * the budget a call still blocked on the broker is cut short by closing the producer from this
   * thread, so the open transaction is aborted and its batch is answered by the next start.
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
          "serve still busy {} ms into its stop: aborting its Kafka calls",
          budget.dividedBy(2).toMillis());
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.warn("aborting the predictions producer: {}", e.toString());
      }
      wakeConsumers();
      Thread loop = loopThread;
      if (loop != null) {
        loop.interrupt();
      }
      if (!stopped.await(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("serve did not stop within {} ms", budget.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void wakeConsumers() {
    requestsConsumer.wakeup();
    promotions.wakeup();
  }

  /** Closes every client within {@code deadline}; an open transaction is aborted. */
  private void closeClients(ShutdownDeadline deadline) {
    if (!clientsClosed.compareAndSet(false, true)) {
      return;
    }
    if (http != null) {
      http.stopListening();
    }
    deadline.close(requestsConsumer, "requests consumer", LOG);
    promotions.close(deadline);
    deadline.close(producer, "predictions producer", LOG);
    if (http != null) {
      http.close(deadline);
    }
    synchronized (scoring) {
      ShutdownDeadline.closeQuietly(slot, "served models", LOG);
    }
    ShutdownDeadline.closeQuietly(loaderResources, "model loader", LOG);
    ShutdownDeadline.closeQuietly(requestDeserializer, "request deserializer", LOG);
  }
}
