package io.streamtune.ingest;

import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Produces RawRecords (key = record id) to the raw topic, paced and with progress. */
public final class RawRecordProducer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RawRecordProducer.class);

  private final KafkaProducer<String, RawRecord> producer;
  private final String topic;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

  public RawRecordProducer(String bootstrapServers, String schemaRegistryUrl, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-ingest");
    this.producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            AvroSerdes.<RawRecord>valueSerializer(schemaRegistryUrl));
    this.topic = topic;
  }

  /**
   * Sends every record, at most {@code ratePerSecond} a second (0 = as fast as possible), and waits
   * until all are acknowledged.
   *
   * @return the number of records acknowledged by the broker
   * @throws IngestException if any send failed (after flushing the rest)
   */
  public long produceAll(Iterator<RawRecord> records, double ratePerSecond, ProgressMeter progress)
      throws InterruptedException {
    RateLimiter limiter = new RateLimiter(ratePerSecond);
    long sent = 0;
    while (records.hasNext() && !Thread.currentThread().isInterrupted()) {
      limiter.acquire();
      RawRecord record = records.next();
      producer.send(
          new ProducerRecord<>(topic, record.getId(), record),
          (metadata, error) -> {
            if (error == null) {
              acknowledged.incrementAndGet();
            } else if (firstFailure.compareAndSet(null, error)) {
              LOG.error("send of record {} failed: {}", record.getId(), error.toString());
            }
          });
      sent++;
      if (progress != null) {
        progress.update(sent);
      }
    }
    producer.flush();
    if (progress != null) {
      progress.finish(sent);
    }
    if (firstFailure.get() != null) {
      throw new IngestException(
          (sent - acknowledged.get())
              + " of "
              + sent
              + " records were not acknowledged: "
              + firstFailure.get().getMessage());
    }
    return acknowledged.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
