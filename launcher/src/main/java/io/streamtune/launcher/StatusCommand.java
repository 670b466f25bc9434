package io.streamtune.launcher;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.TopicReader;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Print the champion, the last versions with their scores and gate decisions, the"
            + " champion's last online window, rollbacks, consumer lag and dead letters, read from"
            + " the topics.")
final class StatusCommand implements Callable<Integer> {

  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;
  @Mixin ModelOptions model;

  @Option(
      names = "--versions",
      defaultValue = "5",
      description = "How many of the newest versions to list (default: ${DEFAULT-VALUE})")
  int versions;

  @Override
  public Integer call() throws Exception {
    ConfigSource source = kafka.configSource(Map.of());
    String modelId = model.modelId(source);
    KafkaConnection connection = KafkaConnection.from(source);
    List<String> lines = status(connection, modelId, versions);
    lines.forEach(spec.commandLine().getOut()::println);
    return 0;
  }

  static List<String> status(KafkaConnection kafka, String modelId, int versions)
      throws InterruptedException, ExecutionException, TimeoutException {
    Topics topics = kafka.topics();
    return StatusReport.render(
        modelId,
        values(kafka, topics.name(Topics.MODELS_PROMOTED), ModelVersion.class),
        values(kafka, topics.name(Topics.METRICS), EvaluationReport.class),
        values(kafka, topics.name(Topics.DEADLETTER), DeadLetter.class),
        lagByGroup(kafka),
        versions);
  }

  private static <T extends SpecificRecord> List<T> values(
      KafkaConnection kafka, String topic, Class<T> type) {
    return TopicReader.readToEnd(
            kafka.bootstrapServers(),
            topic,
            AvroSerdes.valueDeserializer(kafka.schemaRegistryUrl(), kafka.registrySettings(), type))
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /**
   * Committed records not yet consumed by each {@code streamtune-*} consumer group: the last stable
   * offsets (what a read_committed consumer can reach) minus the group's committed offsets.
   */
  static Map<String, Long> lagByGroup(KafkaConnection kafka)
      throws InterruptedException, ExecutionException, TimeoutException {
    Properties props = kafka.clientProperties();
    try (Admin admin = Admin.create(props)) {
      return lagByGroup(admin);
    }
  }

  /** {@link #lagByGroup(KafkaConnection)} with a client the caller keeps (and closes). */
  static Map<String, Long> lagByGroup(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Long> lag = new HashMap<>();
    long timeout = ADMIN_TIMEOUT.toMillis();
    for (ConsumerGroupListing group :
        admin.listConsumerGroups().all().get(timeout, TimeUnit.MILLISECONDS)) {
      if (!group.groupId().startsWith("streamtune")) {
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group.groupId())
              .partitionsToOffsetAndMetadata()
              .get(timeout, TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin
              .listOffsets(
                  latest,
                  new org.apache.kafka.clients.admin.ListOffsetsOptions(
                      IsolationLevel.READ_COMMITTED))
              .all()
              .get(timeout, TimeUnit.MILLISECONDS);
      long behind = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
        if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
          behind += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
        }
      }
      lag.put(group.groupId(), behind);
    }
    return lag;
  }
}
