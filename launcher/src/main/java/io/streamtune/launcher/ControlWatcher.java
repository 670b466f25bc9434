package io.streamtune.launcher;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the control topic and hands every retrain request a detector or rollback wrote (not the
 * manual ones) to a listener: the demo's {@code drift |} lines.
 */
final class ControlWatcher implements Runnable, AutoCloseable {

  private final KafkaConsumer<String, RetrainRequest> consumer;
  private final Consumer<RetrainRequest> listener;
  private final List<RetrainRequest> detections = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);

  ControlWatcher(KafkaConnection kafka, Consumer<RetrainRequest> listener) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "streamtune-control-watcher-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(
                kafka.schemaRegistryUrl(), kafka.registrySettings(), RetrainRequest.class));
    consumer.subscribe(List.of(kafka.topics().name(Topics.CONTROL)));
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
                    if (record.value() != null
                        && record.value().getTrigger() != RetrainCause.MANUAL) {
                      detections.add(record.value());
                      listener.accept(record.value());
                    }
                  });
        } catch (RecordDeserializationException e) {
          consumer.seek(e.topicPartition(), e.offset() + 1); // not a RetrainRequest
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

  /** The detections seen so far, in arrival order. */
  List<RetrainRequest> detections() {
    return List.copyOf(detections);
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}
