package io.streamtune.trainer;

import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Where published versions go, with the consumer offsets they cover: the models topic and the
 * group's offsets in one Kafka transaction ({@link KafkaVersionSink}), or a map in a test.
 */
public interface VersionSink extends AutoCloseable {

  /** Once, before the first {@link #publish} (fences an older instance of the same trainer). */
  default void start() {}

  /**
   * Publishes the version and commits the end of each of its {@code consumedOffsets} ranges for the
   * trainer's group, both or neither.
   *
   * @throws RuntimeException when neither happened
   */
  void publish(ModelVersion version);

  /**
   * Publishes the version with reports on {@code metrics} (a model selection's ranking) in the same
   * transaction: all or nothing.
   *
   * @throws IllegalStateException from a sink that has no metrics topic, when there are reports
   */
  default void publish(ModelVersion version, List<EvaluationReport> reports) {
    if (!reports.isEmpty()) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " cannot publish reports on metrics");
    }
    publish(version);
  }

  /** The group's committed offsets of these partitions; a partition without one is absent. */
  Map<TopicPartition, Long> committed(Set<TopicPartition> partitions);

  @Override
  void close();

  /**
   * Closes within {@code timeout}: a transaction still open then is aborted (nothing of it is
   * visible, no offset of it committed).
   */
  default void close(Duration timeout) {
    close();
  }

  /**
   * From another thread, at a stop: makes a {@link #publish} or {@link #start} blocked on an
   * unreachable broker fail now instead of after {@code max.block.ms}; the version is neither
   * published nor are its offsets committed.
   */
  default void abort() {}
}
