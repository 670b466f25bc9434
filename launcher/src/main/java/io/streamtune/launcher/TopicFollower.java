package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.TopicDef;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows an Avro topic from its beginning like a dashboard would ({@code read_committed}, a group
 * of its own), and hands each record {@code keep} accepts to a listener; a record that is not of
 * the topic's type is skipped.
 */
class TopicFollower<T extends SpecificRecord> implements Runnable, AutoCloseable {

  private final KafkaConsumer<String, T> consumer;
  private final Predicate<T> keep;
  private final Consumer<T> listener;
  private final List<T> seen = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final boolean remember;

  TopicFollower(
      KafkaConnection kafka,
      TopicDef<String, T> topic,
      String role,
      Predicate<T> keep,
      Consumer<T> listener) {
    this(kafka, topic, role, keep, listener, true);
  }

  /**
   * @param remember whether {@link #seen()} keeps every record: off for a long-running follower
   *     (the dashboard) whose listener keeps what it needs
   */
  TopicFollower(
      KafkaConnection kafka,
      TopicDef<String, T> topic,
      String role,
      Predicate<T> keep,
      Consumer<T> listener,
      boolean remember) {
    this.remember = remember;
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "streamtune-" + role + "-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(
                kafka.schemaRegistryUrl(), kafka.registrySettings(), topic.valueType()));
    try {
      consumer.subscribe(List.of(kafka.topics().name(topic)));
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.keep = keep;
    this.listener = listener;
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        try {
          consumer
              .poll(Duration.ofMillis(200))
              .forEach(
                  record -> {
                    if (record.value() != null && keep.test(record.value())) {
                      if (remember) {
                        seen.add(record.value());
                      }
                      listener.accept(record.value());
                    }
                  });
        } catch (RecordDeserializationException e) {
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } finally {
      consumer.close();
    }
  }

  /** The records handed to the listener so far, in arrival order. */
  List<T> seen() {
    return List.copyOf(seen);
  }

  /** Stops {@link #run()}, which closes the consumer on its thread. */
  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }

  /**
   * Closes the consumer of a follower whose {@link #run()} never started: what a constructor that
   * failed after making it must do.
   */
  void discard() {
    running.set(false);
    consumer.close();
  }
}
