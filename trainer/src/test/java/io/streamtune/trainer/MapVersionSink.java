package io.streamtune.trainer;

import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/** The models topic and the group's offsets in memory, committed together unless told to fail. */
final class MapVersionSink implements VersionSink {
  final List<ModelVersion> versions = new ArrayList<>();
  final Map<TopicPartition, Long> committed = new HashMap<>();
  final List<EvaluationReport> reports = new ArrayList<>();
  boolean failNext;

  @Override
  public void publish(ModelVersion version) {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("broker gone");
    }
    versions.add(version);
    for (OffsetRange range : version.getConsumedOffsets()) {
      committed.put(
          new TopicPartition(range.getTopic(), range.getPartition()), range.getUntilOffset());
    }
  }

  @Override
  public void publish(ModelVersion version, List<EvaluationReport> published) {
    publish(version);
    reports.addAll(published);
  }

  @Override
  public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> known = new HashMap<>(committed);
    known.keySet().retainAll(partitions);
    return known;
  }

  @Override
  public void close() {}
}
