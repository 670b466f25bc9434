package io.streamtune.serve;

import static io.streamtune.serve.ServeService.HTTP_SOURCE;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.common.shutdown.ShutdownDeadline;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.serde.RegistryOutages;
import io.streamtune.schemas.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's side of {@code POST /predict}: a body goes the Kafka path's way (the RawRecord a
 * producer would send, validated and scored by the same champion), so an HTTP answer equals the
 * prediction the same request on {@code requests} gets. Predictions and refusals are written too,
 * for the feedback loop, by a producer of its own.
 */
final class HttpAnswering {

  private static final Logger LOG = LoggerFactory.getLogger(HttpAnswering.class);

  private static final int HTTP_THREADS = 4;

  private final ServeConfig config;
  private final String requestsTopic;
  private final Clock clock;
  private final ChampionSlot slot;
  private final Object scoring;
  private final ServeRecords records;

  /** HTTP predictions and refusals: not part of a request batch's transaction. */
  private final KafkaProducer<String, SpecificRecord> httpProducer;

  /** Turns an HTTP body's record into the bytes a producer to requests would send. */
  private final Serializer<SpecificRecord> httpSerializer;

  private volatile ServeHttp http;
  private final AtomicLong httpPredictions = new AtomicLong();
  private final ServeMeters meters;
  private final AtomicLong httpRefusals = new AtomicLong();

  /**
   * @param scoring the lock the slot is scored under: the loop's batches score there too
   */
  HttpAnswering(
      ServeConfig config,
      ChampionSlot slot,
      Object scoring,
      ServeRecords records,
      Clock clock,
      ServeMeters meters) {
    this.config = config;
    this.meters = meters;
    this.requestsTopic = config.kafka().topics().name(Topics.REQUESTS);
    this.clock = clock;
    this.slot = slot;
    this.scoring = scoring;
    this.records = records;
    String registry = config.kafka().schemaRegistryUrl();
    Map<String, String> registrySettings = config.kafka().registrySettings();
    Properties props = config.kafka().clientProperties();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.consumerGroup() + "-http");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.httpProducer =
        new KafkaProducer<>(
            props, new StringSerializer(), AvroSerdes.valueSerializer(registry, registrySettings));
    this.httpSerializer = AvroSerdes.valueSerializer(registry, registrySettings);
  }

  /** Opens the endpoint on {@code serve.http.host}:{@code serve.http.port}. */
  void listen() {
    try {
      http =
          new ServeHttp(
              config.httpHost(),
              config.httpPort(),
              config.httpMaxBodyBytes(),
              config.token(),
              HTTP_THREADS,
              this::answerHttp);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on "
              + config.httpHost()
              + ":"
              + config.httpPort()
              + " ("
              + ServeConfig.HTTP_PORT.name()
              + ", "
              + ServeConfig.HTTP_HOST.name()
              + ")",
          e);
    }
    LOG.info("serving POST {}", http.url());
  }

  /** The answer to one HTTP body: the Kafka path's validation and scoring, then JSON. */
  ServeHttp.Answer answerHttp(byte[] body, long arrivalNanos) {
    Instant arrival = clock.instant();
    RawRecord record;
    try {
      record = HttpRequests.parse(body, "http-" + UUID.randomUUID(), arrival);
    } catch (HttpRequests.BadRequest e) {
      return refuse(new Outcome.Rejected<>(ServingModel.STAGE, e.getMessage(), null, null), body);
    }
    Outcome<ServedPrediction> outcome;
    try {
      synchronized (scoring) {
        ServingModel champion = slot.champion();
        if (champion == null) {
          return new ServeHttp.Answer(
              503,
              HttpRequests.errorJson(
                  "no champion for model " + config.modelId() + " yet",
                  ServingModel.STAGE,
                  record.getId()));
        }
        byte[] key = record.getId().getBytes(StandardCharsets.UTF_8);
        byte[] value = httpSerializer.serialize(requestsTopic, record);
        outcome = champion.predict(new RawEnvelope(HTTP_SOURCE, -1, -1L, key, value));
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot answer an HTTP request: {}", e.toString());
      return new ServeHttp.Answer(
          RegistryOutages.isOutage(e) ? 503 : 500,
          HttpRequests.errorJson("cannot answer now: " + e.getMessage(), null, record.getId()));
    }
    if (outcome instanceof Outcome.Rejected<ServedPrediction> rejected) {
      return refuse(rejected, body);
    }
    ServedPrediction served = ((Outcome.Accepted<ServedPrediction>) outcome).value();
    long latencyMicros = (System.nanoTime() - arrivalNanos) / 1_000;
    // the feedback loop joins labels to every prediction, whichever way it was asked for
    write(
        records.prediction(
            served, PredictionRole.CHAMPION, latencyMicros, arrival, clock.instant(), HTTP_SOURCE),
        "HTTP prediction " + served.recordId());
    httpPredictions.incrementAndGet();
    meters.httpAnswered(latencyMicros);
    return new ServeHttp.Answer(200, HttpRequests.predictionJson(served, latencyMicros));
  }

  /**
   * Writes what an HTTP call produced, outside any transaction: a send that fails at once (a
   * registry outage while serializing, a closing producer) or later is logged with what it was, and
   * the caller still gets its answer.
   */
  private void write(ProducerRecord<String, SpecificRecord> record, String what) {
    try {
      httpProducer.send(
          record,
          (metadata, e) -> {
            if (e != null) {
              LOG.warn("{} not written: {}", what, e.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("{} not written: {}", what, e.toString());
    }
  }

  /** 400 with the reason; the body as it came is dead-lettered. */
  private ServeHttp.Answer refuse(Outcome.Rejected<?> rejected, byte[] body) {
    byte[] key =
        rejected.recordId() == null ? null : rejected.recordId().getBytes(StandardCharsets.UTF_8);
    Outcome.Rejected<?> withBody =
        new Outcome.Rejected<>(
            rejected.stage(),
            rejected.reason(),
            rejected.recordId(),
            new RawEnvelope(HTTP_SOURCE, -1, -1L, key, body));
    write(records.deadLetter(withBody, clock.instant()), "HTTP dead letter");
    httpRefusals.incrementAndGet();
    return new ServeHttp.Answer(
        400, HttpRequests.errorJson(rejected.reason(), rejected.stage(), rejected.recordId()));
  }

  /** The endpoint's URL once it listens. */
  Optional<String> url() {
    ServeHttp server = http;
    return server == null ? Optional.empty() : Optional.of(server.url());
  }

  long predictions() {
    return httpPredictions.get();
  }

  long refusals() {
    return httpRefusals.get();
  }

  /**
   * Stops taking requests; the producer stays open until {@link #close} (the service closes its
   * Kafka clients in between), so answers already given are still written.
   */
  void stopListening() {
    ShutdownDeadline.closeQuietly(http, "HTTP endpoint", LOG);
  }

  void close(ShutdownDeadline deadline) {
    deadline.close(httpProducer, "HTTP predictions producer", LOG);
    ShutdownDeadline.closeQuietly(httpSerializer, "HTTP serializer", LOG);
  }
}
