package io.streamtune.evaluator;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The evaluator's one way out: every report, promotion and dead letter goes through {@link
 * #publish} in a Kafka transaction, together with the models consumer's next offsets when a version
 * is done, so a crash between scoring and publishing neither loses a report nor writes it twice.
 * Builds the dead letters too, since they travel in the same transactions.
 */
final class ReportPublisher implements AutoCloseable {

  private final Producer<String, SpecificRecord> producer;
  private final Serializer<SpecificRecord> reserializer;
  private final Supplier<ConsumerGroupMetadata> modelsGroup;
  private final String deadLetterTopic;
  private final String consumerGroup;
  private final Clock clock;
  private final AtomicLong deadLetters = new AtomicLong();

  /**
   * @param modelsGroup the models consumer's group metadata, for offsets sent in a transaction
   */
  ReportPublisher(
      Producer<String, SpecificRecord> producer,
      Serializer<SpecificRecord> reserializer,
      Supplier<ConsumerGroupMetadata> modelsGroup,
      String deadLetterTopic,
      String consumerGroup,
      Clock clock) {
    this.producer = producer;
    this.reserializer = reserializer;
    this.modelsGroup = modelsGroup;
    this.deadLetterTopic = deadLetterTopic;
    this.consumerGroup = consumerGroup;
    this.clock = clock;
  }

  /** Fences and aborts a predecessor's unfinished transaction; call once before publishing. */
  void initTransactions() {
    producer.initTransactions();
  }

  /** Writes records and, when given, the models consumer's next offsets in one transaction. */
  void publish(
      List<ProducerRecord<String, SpecificRecord>> records,
      Map<TopicPartition, OffsetAndMetadata> modelOffsets) {
    producer.beginTransaction();
    try {
      for (ProducerRecord<String, SpecificRecord> record : records) {
        producer.send(record);
      }
      if (!modelOffsets.isEmpty()) {
        producer.sendOffsetsToTransaction(modelOffsets, modelsGroup.get());
      }
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException e) {
      throw new IllegalStateException(
          "another evaluator with transactional id of group '"
              + consumerGroup
              + "' took over; stopping",
          e);
    } catch (KafkaException e) {
      producer.abortTransaction();
      throw e;
    }
    deadLetters.addAndGet(records.stream().filter(r -> r.topic().equals(deadLetterTopic)).count());
  }

  /** Dead letters committed so far. */
  long deadLetters() {
    return deadLetters.get();
  }

  /** A dead letter for a decoded record the evaluator cannot use. */
  ProducerRecord<String, SpecificRecord> deadLetter(
      ConsumerRecord<String, ?> record, SpecificRecord value, String reason) {
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(record.topic(), record.partition(), record.offset()),
            record.key(),
            record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
            // the typed consumer keeps no bytes; the same Avro record re-encodes identically
            value == null ? null : reserializer.serialize(record.topic(), value),
            EvaluatorService.DEAD_LETTER_STAGE,
            reason,
            clock.instant());
    return new ProducerRecord<>(deadLetterTopic, record.key(), letter);
  }

  /** A dead letter for a record that does not decode, with its raw bytes. */
  ProducerRecord<String, SpecificRecord> deadLetter(RecordDeserializationException e) {
    ByteBuffer key = e.keyBuffer();
    String recordId = null;
    if (key != null) {
      recordId = new String(bytes(key), StandardCharsets.UTF_8);
    }
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Origin(
                e.topicPartition().topic(), e.topicPartition().partition(), e.offset()),
            recordId,
            key == null ? null : bytes(key),
            e.valueBuffer() == null ? null : bytes(e.valueBuffer()),
            EvaluatorService.DEAD_LETTER_STAGE,
            "cannot decode record: " + rootMessage(e),
            clock.instant());
    return new ProducerRecord<>(deadLetterTopic, recordId, letter);
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

  /** Closes the producer and the serializer; the first error is thrown after both were tried. */
  @Override
  public void close() {
    try {
      producer.close();
    } finally {
      reserializer.close();
    }
  }

  /**
   * Closes within {@code timeout}: a transaction still open then is aborted (no report of it is
   * visible, the version's offset stays uncommitted and the next start scores it again).
   */
  void close(java.time.Duration timeout) {
    try {
      producer.close(timeout);
    } finally {
      reserializer.close();
    }
  }

  /**
   * From another thread, at a stop: a blocked {@code initTransactions}, {@code commitTransaction}
   * or {@code send} fails now instead of after {@code max.block.ms}.
   */
  void abort() {
    producer.close(java.time.Duration.ZERO);
  }
}
