package io.streamtune.embedded.registry;

import io.streamtune.embedded.TopicLeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps registry events in a compacted single-partition Kafka topic. Appends are synchronous
 * (acks=all, idempotent producer): an event is on the broker before {@link #append} returns.
 */
public final class KafkaRegistryStorage implements RegistryStorage, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRegistryStorage.class);

  private final String bootstrapServers;
  private final String topic;
  private final Duration timeout;
  private final KafkaProducer<String, String> producer;

  private KafkaRegistryStorage(String bootstrapServers, String topic, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.timeout = timeout;
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-schema-registry-" + topic);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    this.producer = new KafkaProducer<>(config);
  }

  /** Creates the compacted topic if it is missing and connects a producer to it. */
  public static KafkaRegistryStorage open(String bootstrapServers, String topic, Duration timeout) {
    ensureTopic(bootstrapServers, topic, timeout);
    return new KafkaRegistryStorage(bootstrapServers, topic, timeout);
  }

  @Override
  public List<RegistryEvent> load() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(
        ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-schema-registry-replay-" + UUID.randomUUID());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<RegistryEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!caughtUp(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException(
              "Timed out after " + timeout + " replaying schema registry topic " + topic);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          RegistryEventCodec.decode(record.key(), record.value()).ifPresent(events::add);
        }
      }
    }
    return events;
  }

  private static boolean caughtUp(
      KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partitionEnd : end.entrySet()) {
      if (consumer.position(partitionEnd.getKey()) < partitionEnd.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void append(RegistryEvent event) {
    ProducerRecord<String, String> record =
        new ProducerRecord<>(
            topic, 0, RegistryEventCodec.key(event), RegistryEventCodec.value(event));
    try {
      producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while writing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new KafkaException("Could not write to " + topic + ": " + cause, cause);
    }
  }

  @Override
  public void close() {
    producer.close(timeout);
  }

  private static void ensureTopic(String bootstrapServers, String topic, Duration timeout) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(config)) {
      NewTopic newTopic =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(Set.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Created compacted schema registry topic {}", topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new KafkaException("Could not create schema registry topic " + topic, e.getCause());
        }
      }
      TopicLeaders.await(admin, Set.of(topic), timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while creating " + topic, e);
    } catch (TimeoutException e) {
      throw new KafkaException("Timed out creating schema registry topic " + topic, e);
    }
  }
}
