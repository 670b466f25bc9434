package io.streamtune.trainer;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.schemas.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's dead letters: records it cannot decode or buffer (with their original bytes), and a
 * buffer snapshot given up at start.
 */
final class TrainerDeadLetters implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerDeadLetters.class);

  private final String topic;
  private final String trainTopic;
  private final String modelId;
  private final KafkaProducer<String, DeadLetter> producer;
  private volatile long count;

  TrainerDeadLetters(TrainerConfig config, String modelId, String topic, String trainTopic) {
    this.topic = topic;
    this.trainTopic = trainTopic;
    this.modelId = modelId;
    this.producer =
        new KafkaProducer<>(
            TrainerClients.producer(config, modelId, false),
            new StringSerializer(),
            AvroSerdes.valueSerializer(
                config.kafka().schemaRegistryUrl(), config.kafka().registrySettings()));
  }

  /** Dead letters written (or being written) so far. */
  long count() {
    return count;
  }

  /** Waits until every dead letter sent so far is durable. */
  void flush() {
    producer.flush();
  }

  void send(ConsumerRecord<byte[], byte[]> record, String reason) {
    count++;
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
            TrainerService.STAGE,
            reason,
            Instant.now());
    producer.send(
        new ProducerRecord<>(topic, key, letter),
        (metadata, error) -> {
          if (error != null) {
            LOG.error(
                "cannot write dead letter for offset {}: {}", record.offset(), error.toString());
          }
        });
  }

  /** Synchronous: the start is reported before anything is consumed. */
  void reportDiscardedSnapshot(TrainerStart.DiscardedSnapshot discardedSnapshot) {
    count++;
    // not a record of the topic: no partition, no offset; the id names the version and the file
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(trainTopic, -1, -1),
            modelId + "/v" + discardedSnapshot.version() + "/" + VersionPublisher.BUFFER_FILE,
            null,
            null,
            TrainerService.STAGE,
            discardedSnapshot.reason(),
            Instant.now());
    try {
      producer.send(new ProducerRecord<>(topic, modelId, letter)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reporting " + discardedSnapshot, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot report the discarded buffer snapshot " + discardedSnapshot.file(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
  }

  /** Closes within {@code timeout}; dead letters not yet sent then are dropped with a log line. */
  void close(Duration timeout) {
    producer.close(timeout);
  }

  /** From another thread, at a stop: a {@link #flush} blocked on a gone broker fails now. */
  void abort() {
    producer.close(Duration.ZERO);
  }
}
