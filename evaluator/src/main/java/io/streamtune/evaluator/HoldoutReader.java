package io.streamtune.evaluator;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@code examples.holdout} into a {@link HoldoutSet}. The holdout is always read from the
 * beginning (no committed offsets): it is the evaluator's state, rebuilt at every start. The topic
 * may not exist yet when the evaluator starts; it is assigned as soon as it does. Records that do
 * not decode, are empty or have the wrong feature count are dead-lettered.
 */
final class HoldoutReader {

  private static final Logger LOG = LoggerFactory.getLogger(HoldoutReader.class);

  private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(5);

  private final Consumer<String, Example> consumer;
  private final String topic;
  private final HoldoutSet holdout;
  private final Duration pollTimeout;
  private final ReportPublisher publisher;
  private final RegistryOutageWait registryWait;
  private final BooleanSupplier running;
  private volatile boolean assigned;
  private volatile int size;

  /**
   * @param running false once the service stops: the waiting loops end early
   */
  HoldoutReader(
      Consumer<String, Example> consumer,
      String topic,
      HoldoutSet holdout,
      Duration pollTimeout,
      ReportPublisher publisher,
      RegistryOutageWait registryWait,
      BooleanSupplier running) {
    this.consumer = consumer;
    this.topic = topic;
    this.holdout = holdout;
    this.pollTimeout = pollTimeout;
    this.publisher = publisher;
    this.registryWait = registryWait;
    this.running = running;
  }

  /** Number of examples in the holdout, as of the last poll; readable from any thread. */
  int size() {
    return size;
  }

  /** Reads the holdout up to the end offsets it has now (the last stable offsets). */
  void catchUp() {
    assignIfPresent();
    if (!assigned) {
      return;
    }
    Map<TopicPartition, Long> targets = consumer.endOffsets(consumer.assignment());
    long nextLog = System.nanoTime() + PROGRESS_LOG_INTERVAL.toNanos();
    while (running.getAsBoolean() && !reached(targets)) {
      pollOnce();
      if (System.nanoTime() > nextLog) {
        LOG.info("reading the holdout up to {}: {} examples so far", targets, holdout.size());
        nextLog = System.nanoTime() + PROGRESS_LOG_INTERVAL.toNanos();
      }
    }
  }

  private boolean reached(Map<TopicPartition, Long> targets) {
    for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
      if (consumer.position(target.getKey()) < target.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** When the holdout is empty, polls until a first example arrives or {@code wait} has passed. */
  void waitForFirstExample(ModelVersion version, Duration wait) {
    if (!holdout.isEmpty()) {
      return;
    }
    LOG.info(
        "{} v{} waits up to {} for a first holdout example",
        version.getModelId(),
        version.getVersion(),
        wait);
    long deadline = System.nanoTime() + wait.toNanos();
    while (running.getAsBoolean() && holdout.isEmpty() && System.nanoTime() < deadline) {
      pollOnce();
    }
  }

  /** Assigns every partition of the topic, from the beginning, once the topic exists. */
  void assignIfPresent() {
    if (assigned) {
      return;
    }
    List<PartitionInfo> partitions = consumer.partitionsFor(topic);
    if (partitions == null || partitions.isEmpty()) {
      return;
    }
    List<TopicPartition> partitionList = new ArrayList<>();
    partitions.forEach(p -> partitionList.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitionList);
    consumer.seekToBeginning(partitionList);
    assigned = true;
    LOG.info("reading holdout partitions {} from the beginning", partitionList);
  }

  /** One poll (or, while the topic does not exist, one poll timeout of sleep). */
  void pollOnce() {
    assignIfPresent();
    if (!assigned) {
      sleep(pollTimeout); // the topic does not exist yet
      return;
    }
    ConsumerRecords<String, Example> records;
    try {
      records = consumer.poll(pollTimeout);
    } catch (RecordDeserializationException e) {
      if (registryWait.waited(consumer, e)) {
        return;
      }
      consumer.seek(e.topicPartition(), e.offset() + 1);
      LOG.error(
          "dead-lettering undecodable holdout record {}@{}: {}",
          e.topicPartition(),
          e.offset(),
          e.getMessage());
      publisher.publish(List.of(publisher.deadLetter(e)), Map.of());
      return;
    }
    List<ProducerRecord<String, SpecificRecord>> rejected = new ArrayList<>();
    for (ConsumerRecord<String, Example> record : records) {
      Example example = record.value();
      if (example == null) {
        rejected.add(publisher.deadLetter(record, null, "empty (null) holdout example record"));
        continue;
      }
      HoldoutSet.Outcome outcome =
          holdout.add(example, record.topic(), record.partition(), record.offset());
      if (outcome == HoldoutSet.Outcome.REJECTED_FEATURE_COUNT) {
        String reason =
            "holdout example has "
                + example.getFeatures().size()
                + " features but the holdout's examples have "
                + holdout.featureCount().orElse(-1);
        LOG.warn("dead-lettering holdout example {}: {}", example.getId(), reason);
        rejected.add(publisher.deadLetter(record, example, reason));
      }
    }
    if (!rejected.isEmpty()) {
      publisher.publish(rejected, Map.of());
    }
    size = holdout.size();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }
}
