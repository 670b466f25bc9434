package io.streamtune.evaluator;

import io.streamtune.schemas.avro.ModelVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The champions to beat after a restart: the evaluator keeps no state of its own, so the last
 * promoted version of each model is read back from {@code models.promoted}, up to the end offsets
 * it has at start.
 */
final class PromotedChampions {

  private static final Logger LOG = LoggerFactory.getLogger(PromotedChampions.class);

  private PromotedChampions() {}

  /**
   * Reads {@code promotedTopic} from the beginning to its current end with {@code reader} (which
   * the caller closes); an undecodable record is skipped, as it cannot be a champion.
   *
   * @return the last promoted version per model id (by offset: a rollback re-promotes an older
   *     version after a newer one); empty when the topic does not exist yet
   */
  static Map<String, ModelVersion> read(
      Consumer<String, ModelVersion> reader,
      String promotedTopic,
      Duration pollTimeout,
      BooleanSupplier running) {
    Map<String, ModelVersion> last = new HashMap<>();
    List<PartitionInfo> partitions = reader.partitionsFor(promotedTopic);
    if (partitions == null || partitions.isEmpty()) {
      return last;
    }
    List<TopicPartition> assigned = new ArrayList<>();
    partitions.forEach(p -> assigned.add(new TopicPartition(p.topic(), p.partition())));
    reader.assign(assigned);
    reader.seekToBeginning(assigned);
    Map<TopicPartition, Long> end = reader.endOffsets(assigned);
    while (running.getAsBoolean()
        && !end.entrySet().stream().allMatch(t -> reader.position(t.getKey()) >= t.getValue())) {
      try {
        for (ConsumerRecord<String, ModelVersion> record : reader.poll(pollTimeout)) {
          if (record.value() != null) {
            last.put(record.value().getModelId(), record.value());
          }
        }
      } catch (RecordDeserializationException e) {
        LOG.warn("ignoring undecodable promoted record {}@{}", e.topicPartition(), e.offset());
        reader.seek(e.topicPartition(), e.offset() + 1);
      }
    }
    return last;
  }

  /**
   * The records written since the last call (the reader is positioned by {@link #read}); an
   * undecodable one is skipped.
   */
  static List<ModelVersion> pollNew(Consumer<String, ModelVersion> reader) {
    List<ModelVersion> promoted = new ArrayList<>();
    if (reader.assignment().isEmpty()) {
      return promoted;
    }
    try {
      for (ConsumerRecord<String, ModelVersion> record : reader.poll(Duration.ZERO)) {
        if (record.value() != null) {
          promoted.add(record.value());
        }
      }
    } catch (RecordDeserializationException e) {
      LOG.warn("ignoring undecodable promoted record {}@{}", e.topicPartition(), e.offset());
      reader.seek(e.topicPartition(), e.offset() + 1);
    }
    return promoted;
  }
}
