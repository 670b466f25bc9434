package io.streamtune.ingest;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.progress.ProgressMeter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.TopicDef;
import io.streamtune.schemas.topics.Topics;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces RawRecords (key = record id) to the raw topic, paced and with progress. Inputs a reader
 * rejected go to the dead-letter topic (stage {@value IngestOutcomes#STAGE}, the reader's location
 * as topic, partition and offset -1) so nothing read is lost silently.
 */
public final class RawRecordProducer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RawRecordProducer.class);

  /**
   * How many inputs became records and how many were dead-lettered in this run, and how many were
   * skipped as already produced by an earlier run (see {@link IngestLedger}).
   */
  public record Counts(long produced, long deadLettered, long skipped) {
    public Counts(long produced, long deadLettered) {
      this(produced, deadLettered, 0);
    }
  }

  /** How often a run writes its ledger while sending. */
  private static final long LEDGER_SAVE_NANOS = 1_000_000_000L;

  private final KafkaProducer<String, SpecificRecord> producer;
  private final Properties clientProperties;
  private final String rawTopic;
  private final String deadLetterTopic;
  private final Clock clock;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

  /** Records the producer or broker refused as too large: dead-lettered once the rest is sent. */
  private final Queue<TooLarge> tooLarge = new ConcurrentLinkedQueue<>();

  private record TooLarge(long index, String id, String reason) {}

  public RawRecordProducer(String bootstrapServers, String schemaRegistryUrl, Topics topics) {
    this(new KafkaConnection(bootstrapServers, schemaRegistryUrl, topics));
  }

  /** With the connection's client settings (SASL, TLS, registry authentication). */
  public RawRecordProducer(KafkaConnection kafka) {
    this(kafka, Topics.RAW);
  }

  /**
   * To another topic of raw records: {@code requests} for serving (the prequential demo).
   *
   * @param target the topic records go to; rejections still go to the dead-letter topic
   */
  public RawRecordProducer(KafkaConnection kafka, TopicDef<String, RawRecord> target) {
    Topics topics = kafka.topics();
    Properties props = kafka.clientProperties();
    this.clientProperties = kafka.clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-ingest");
    this.producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            AvroSerdes.valueSerializer(kafka.schemaRegistryUrl(), kafka.registrySettings()));
    this.rawTopic = topics.name(target);
    this.deadLetterTopic = topics.name(Topics.DEADLETTER);
    this.clock = Clock.systemUTC();
  }

  /** {@link #produce} for readers that never reject (CSV rows always become records). */
  public long produceAll(Iterator<RawRecord> records, double ratePerSecond, ProgressMeter progress)
      throws InterruptedException {
    return produce(IngestOutcomes.acceptAll(records), ratePerSecond, progress).produced();
  }

  /**
   * Sends every item, at most {@code ratePerSecond} a second (0 = as fast as possible), and waits
   * until all are acknowledged.
   *
   * @throws IngestException if any send failed (after flushing the rest)
   */
  public Counts produce(
      Iterator<Outcome<RawRecord>> items, double ratePerSecond, ProgressMeter progress)
      throws InterruptedException {
    return produce(items, ratePerSecond, progress, null);
  }

  /**
   * As {@link #produce(Iterator, double, ProgressMeter)}, skipping the items {@code ledger} says an
   * earlier run produced and recording in it what this run gets acknowledged (also when the run
   * fails or the reader throws). With a ledger, the run stops reading at the first failed send, so
   * a re-run resumes from there.
   *
   * @param ledger null for none (every item is sent)
   */
  public Counts produce(
      Iterator<Outcome<RawRecord>> items,
      double ratePerSecond,
      ProgressMeter progress,
      IngestLedger ledger)
      throws InterruptedException {
    if (ledger != null) {
      long found = ledger.recover(clientProperties, List.of(rawTopic, deadLetterTopic));
      if (found > 0) {
        LOG.warn(
            "{} records that an interrupted run got onto the topics after its last ledger write"
                + " were found there: not sent again (ledger {})",
            found,
            ledger.file());
      }
    }
    try {
      return send(items, ratePerSecond, progress, ledger);
    } finally {
      if (ledger != null) {
        // what was sent before a reader threw or the thread was interrupted is recorded too
        try {
          producer.flush();
        } catch (InterruptException e) {
          Thread.currentThread().interrupt();
        } finally {
          ledger.save();
        }
      }
    }
  }

  private Counts send(
      Iterator<Outcome<RawRecord>> items,
      double ratePerSecond,
      ProgressMeter progress,
      IngestLedger ledger)
      throws InterruptedException {
    RateLimiter limiter = new RateLimiter(ratePerSecond);
    long sent = 0;
    long rejected = 0;
    long skipped = 0;
    long index = -1;
    long lastSave = System.nanoTime();
    while (items.hasNext() && !Thread.currentThread().isInterrupted()) {
      Outcome<RawRecord> item = items.next();
      index++;
      if (ledger != null) {
        if (ledger.alreadyProduced(index)) {
          skipped++;
          continue;
        }
        if (firstFailure.get() != null) {
          break;
        }
        if (System.nanoTime() - lastSave > LEDGER_SAVE_NANOS) {
          ledger.save();
          lastSave = System.nanoTime();
        }
      }
      limiter.acquire();
      if (item instanceof Outcome.Accepted<RawRecord> accepted) {
        sendRaw(accepted.value(), index, ledger);
      } else if (item instanceof Outcome.Rejected<RawRecord> reject) {
        String location = reject.source().topic;
        LOG.warn("rejected {}: {}", location, reject.reason());
        send(
            new ProducerRecord<>(deadLetterTopic, location, reject.deadLetter(clock.instant())),
            location,
            index,
            ledger);
        rejected++;
      }
      sent++;
      if (progress != null) {
        progress.update(sent + skipped);
      }
    }
    producer.flush();
    // the callbacks run on the producer's I/O thread, where a send could block: dead-letter here
    for (TooLarge record = tooLarge.poll(); record != null; record = tooLarge.poll()) {
      LOG.warn("rejected {}: {}", record.id(), record.reason());
      send(
          new ProducerRecord<>(
              deadLetterTopic,
              record.id(),
              DeadLetterRecords.of(
                  new DeadLetterRecords.Origin(rawTopic, -1, -1),
                  record.id(),
                  null,
                  null,
                  IngestOutcomes.STAGE,
                  record.reason(),
                  clock.instant())),
          record.id(),
          record.index(),
          ledger);
      // its raw send was never acknowledged; its acknowledged dead letter stands in for it
      rejected++;
    }
    producer.flush();
    if (progress != null) {
      progress.finish(sent + skipped);
    }
    if (firstFailure.get() != null) {
      throw new IngestException(
          (sent - acknowledged.get())
              + " of "
              + sent
              + " records were not acknowledged: "
              + firstFailure.get().getMessage());
    }
    return new Counts(acknowledged.get() - rejected, rejected, skipped);
  }

  /**
   * Sends one record to the raw topic. One over the producer's {@code max.request.size} or the
   * broker's message limit is not a failed ingest but a rejected input: before, a single 2 MB cell
   * failed the whole run with "records were not acknowledged".
   */
  private void sendRaw(RawRecord record, long index, IngestLedger ledger) {
    String id = record.getId();
    producer.send(
        tagged(new ProducerRecord<>(rawTopic, id, record), index, ledger),
        (metadata, error) -> {
          if (error == null) {
            acknowledged(metadata, index, ledger);
          } else if (error instanceof RecordTooLargeException) {
            tooLarge.add(
                new TooLarge(
                    index,
                    id,
                    "record too large for the raw topic: "
                        + DeadLetterRecords.quote(String.valueOf(error.getMessage()))));
          } else {
            failed(id, error, ledger);
          }
        });
  }

  private void acknowledged(RecordMetadata metadata, long index, IngestLedger ledger) {
    acknowledged.incrementAndGet();
    if (ledger != null) {
      ledger.acknowledged(
          index, new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset());
    }
  }

  private void failed(String what, Exception error, IngestLedger ledger) {
    if (ledger != null) {
      ledger.sendFailed();
    }
    if (firstFailure.compareAndSet(null, error)) {
      LOG.error("send of {} failed: {}", what, error.toString());
    }
  }

  /** With a ledger, the record names it and its item (see {@link IngestLedger#recover}). */
  private static ProducerRecord<String, SpecificRecord> tagged(
      ProducerRecord<String, ? extends SpecificRecord> record, long index, IngestLedger ledger) {
    ProducerRecord<String, SpecificRecord> out =
        new ProducerRecord<>(record.topic(), record.key(), record.value());
    if (ledger != null) {
      out.headers().add(IngestLedger.HEADER, ledger.header(index));
    }
    return out;
  }

  private void send(
      ProducerRecord<String, SpecificRecord> record, String what, long index, IngestLedger ledger) {
    producer.send(
        tagged(record, index, ledger),
        (metadata, error) -> {
          if (error == null) {
            acknowledged(metadata, index, ledger);
          } else {
            failed(what, error, ledger);
          }
        });
  }

  @Override
  public void close() {
    producer.close();
  }
}
