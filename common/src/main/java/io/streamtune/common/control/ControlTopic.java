package io.streamtune.common.control;

import io.streamtune.common.config.KafkaConnection;
import io.streamtune.schemas.avro.RetrainRequest;
import io.streamtune.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests for a round now, from the control topic: Avro {@link RetrainRequest}s from people
 * ({@code streamtune retrain}), drift detectors and rollbacks. Every trainer instance reads it from
 * its end, without a consumer group (nothing committed): a request asks the live trainers of its
 * key's model (or of every model, without a key) for a round. A record that is not a RetrainRequest
 * (an old plain-string message) is logged and ignored.
 */
public final class ControlTopic implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlTopic.class);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String topic;
  private final String modelId;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<RetrainRequest> requestDeserializer;
  private volatile boolean assigned;
  private long nextAttemptNanos;
  private volatile int requests;
  private volatile int requestsDuringRound;

  /**
   * @param clientRole what reads it (trainer, evaluator), for the client id
   */
  public ControlTopic(KafkaConnection kafka, String topic, String modelId, String clientRole) {
    this.topic = topic;
    this.modelId = modelId;
    Properties props = kafka.clientProperties();
    props.put(
        ConsumerConfig.CLIENT_ID_CONFIG, "streamtune-" + clientRole + "-" + modelId + "-control");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.requestDeserializer =
        AvroSerdes.valueDeserializer(
            kafka.schemaRegistryUrl(), kafka.registrySettings(), RetrainRequest.class);
  }

  /**
   * Takes the requests that arrived since the last call.
   *
   * @param roundInProgress counted apart: the request is kept for a round after the running one
   * @return the requests for this model (its key, or none), in arrival order
   */
  public List<RetrainRequest> poll(boolean roundInProgress) {
    assign();
    if (!assigned) {
      return List.of();
    }
    List<RetrainRequest> forThisModel = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ZERO)) {
      if (record.key() != null && !record.key().equals(modelId)) {
        continue;
      }
      RetrainRequest request = decode(record);
      if (request == null) {
        continue;
      }
      forThisModel.add(request);
      requests++;
      if (roundInProgress) {
        requestsDuringRound++;
      }
      LOG.info(
          "model {}: retrain request at {}-{}@{} ({}, {}): {}",
          modelId,
          record.topic(),
          record.partition(),
          record.offset(),
          request.getTrigger(),
          request.getDetector(),
          request.getReason());
    }
    return forThisModel;
  }

  private RetrainRequest decode(ConsumerRecord<String, byte[]> record) {
    try {
      return record.value() == null
          ? null
          : requestDeserializer.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "model {}: ignoring {}-{}@{}: not a RetrainRequest ({}); send requests with streamtune"
              + " retrain",
          modelId,
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return null;
    }
  }

  /** Assigns every partition at its end; retried every 10 s while the topic is missing. */
  private void assign() {
    if (assigned || System.nanoTime() < nextAttemptNanos) {
      return;
    }
    nextAttemptNanos = System.nanoTime() + RETRY_NANOS;
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
      if (infos == null || infos.isEmpty()) {
        LOG.warn("model {}: control topic {} not found yet", modelId, topic);
        return;
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // resolve the end offsets now: a message sent after this point is seen
      partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(5)));
      assigned = true;
    } catch (TimeoutException e) {
      LOG.warn("model {}: cannot assign control topic {}: {}", modelId, topic, e.toString());
    }
  }

  public boolean assigned() {
    return assigned;
  }

  /** Requests for this model so far. */
  public int requests() {
    return requests;
  }

  /** Of {@link #requests}, those that came while a round trained. */
  public int requestsDuringRound() {
    return requestsDuringRound;
  }

  /** Interrupts a blocking call from another thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }

  /** Closes within {@code timeout} (no group: nothing to commit or leave). */
  public void close(Duration timeout) {
    consumer.close(CloseOptions.timeout(timeout));
  }
}
