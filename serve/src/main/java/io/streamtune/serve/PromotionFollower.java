package io.streamtune.serve;

import io.streamtune.common.shutdown.ShutdownDeadline;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the served model's champion on {@code models.promoted}: its last record there by offset
 * (a rollback promotes an older version again), read from the beginning at start and polled between
 * batches. A new champion is loaded outside the scoring lock and swapped in under it, so the
 * current one keeps answering while the next one loads.
 *
 * <p>The serve loop's thread only, but for {@link #wakeup}.
 */
final class PromotionFollower {

  private static final Logger LOG = LoggerFactory.getLogger(PromotionFollower.class);

  private final String modelId;
  private final String promotedTopic;
  private final Duration pollTimeout;
  private final KafkaConsumer<String, ModelVersion> promotedConsumer;
  private final ServeService.VersionLoader loader;
  private final Deserializer<RawRecord> requestDeserializer;
  private final ChampionSlot slot;
  private final Object scoring;
  private final Consumer<ServingModel> onSwap;
  private final AtomicLong swaps = new AtomicLong();
  private boolean promotedAssigned;
  private long nextAssignAttemptNanos;

  /**
   * @param consumerProperties the promoted consumer's, without a group: it reads the whole topic
   * @param scoring the lock the slot is scored under
   * @param onSwap called on the loop's thread with each new champion, once it serves
   */
  PromotionFollower(
      ServeConfig config,
      Properties consumerProperties,
      ServeService.VersionLoader loader,
      Deserializer<RawRecord> requestDeserializer,
      ChampionSlot slot,
      Object scoring,
      Consumer<ServingModel> onSwap) {
    this.modelId = config.modelId();
    this.promotedTopic = config.kafka().topics().name(Topics.MODELS_PROMOTED);
    this.pollTimeout = config.pollTimeout();
    this.loader = loader;
    this.requestDeserializer = requestDeserializer;
    this.slot = slot;
    this.scoring = scoring;
    this.onSwap = onSwap;
    this.promotedConsumer =
        new KafkaConsumer<>(
            consumerProperties,
            new StringDeserializer(),
            AvroSerdes.valueDeserializer(
                config.kafka().schemaRegistryUrl(),
                config.kafka().registrySettings(),
                ModelVersion.class));
  }

  /**
   * The champion at start: the model's last record on the promoted topic, up to its end now.
   *
   * @param running false once the service stops, which ends the reading early
   */
  void readChampionAtStart(BooleanSupplier running) {
    List<TopicPartition> partitions = promotedPartitions();
    if (partitions.isEmpty()) {
      LOG.warn("{} does not exist yet; no champion until it does", promotedTopic);
      return;
    }
    promotedConsumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = promotedConsumer.endOffsets(partitions);
    ModelVersion last = null;
    while (running.getAsBoolean()
        && !end.entrySet().stream()
            .allMatch(e -> promotedConsumer.position(e.getKey()) >= e.getValue())) {
      ModelVersion found = pollPromoted(pollTimeout);
      last = found == null ? last : found;
    }
    if (last != null) {
      swapTo(last);
    }
  }

  /** Assigns every partition of the promoted topic, once it exists. */
  private List<TopicPartition> promotedPartitions() {
    List<PartitionInfo> infos = promotedConsumer.partitionsFor(promotedTopic);
    List<TopicPartition> partitions = new ArrayList<>();
    if (infos != null) {
      infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    if (!partitions.isEmpty()) {
      promotedConsumer.assign(partitions);
      promotedAssigned = true;
    }
    return partitions;
  }

  /** The last promotion of the served model in one poll, or null. */
  private ModelVersion pollPromoted(Duration timeout) {
    ModelVersion last = null;
    try {
      for (ConsumerRecord<String, ModelVersion> record : promotedConsumer.poll(timeout)) {
        ModelVersion version = record.value();
        // one model's promotions share a key, hence a partition: their order is the offsets'
        if (version != null && modelId.equals(version.getModelId())) {
          last = version;
        }
      }
    } catch (RecordDeserializationException e) {
      LOG.warn("ignoring undecodable promoted record {}@{}", e.topicPartition(), e.offset());
      promotedConsumer.seek(e.topicPartition(), e.offset() + 1);
    }
    return last;
  }

  /** Between two batches: a new promotion is loaded (no transaction open) and swapped in. */
  void checkPromotions(Duration timeout) {
    if (!promotedAssigned) {
      long now = System.nanoTime();
      if (now - nextAssignAttemptNanos < 0) {
        return;
      }
      nextAssignAttemptNanos = now + TimeUnit.SECONDS.toNanos(1);
      if (promotedPartitions().isEmpty()) {
        return;
      }
      promotedConsumer.seekToBeginning(promotedConsumer.assignment());
    }
    ModelVersion promoted = pollPromoted(timeout);
    if (promoted != null) {
      swapTo(promoted);
    }
  }

  private void swapTo(ModelVersion promoted) {
    synchronized (scoring) {
      if (!slot.differs(promoted)) {
        return;
      }
    }
    ServingModel next;
    try {
      next = loader.load(promoted, requestDeserializer);
    } catch (RuntimeException e) {
      synchronized (scoring) {
        slot.unservable(promoted, e.getMessage());
      }
      // the current champion keeps serving; the evaluator loaded this version, so this is local
      LOG.error(
          "cannot serve promoted {} v{}: {}; {} keeps serving",
          promoted.getModelId(),
          promoted.getVersion(),
          e.getMessage(),
          championName());
      return;
    }
    String previous;
    synchronized (scoring) {
      previous = championName();
      slot.swap(next);
    }
    onSwap.accept(next);
    swaps.incrementAndGet();
    LOG.info(
        "champion of {} is now v{} (was {}){}",
        promoted.getModelId(),
        promoted.getVersion(),
        previous,
        slot.shadowLeft() > 0 ? "; the previous one shadows the next " + slot.shadowLeft() : "");
  }

  String championName() {
    ServingModel champion = slot.champion();
    return champion == null ? "none" : "v" + champion.versionNumber();
  }

  long swaps() {
    return swaps.get();
  }

  /** Any thread may call it: a stop ends a poll in progress without waiting for its timeout. */
  void wakeup() {
    promotedConsumer.wakeup();
  }

  void close(ShutdownDeadline deadline) {
    deadline.close(promotedConsumer, "promoted consumer", LOG);
  }
}
