package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.ModelVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PromotedChampionsTest {

  private static final String TOPIC = "models.promoted";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  @Test
  void theLastPromotedVersionPerModelIsItsChampionSoARollbackSticks() {
    MockConsumer<String, ModelVersion> reader = new MockConsumer<>("earliest");
    Node node = new Node(0, "localhost", 9092);
    reader.updatePartitions(
        TOPIC,
        List.of(
            new PartitionInfo(TOPIC, 0, node, new Node[0], new Node[0]),
            new PartitionInfo(TOPIC, 1, node, new Node[0], new Node[0])));
    reader.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    reader.updateEndOffsets(Map.of(P0, 3L, P1, 1L));
    reader.schedulePollTask(
        () -> {
          reader.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "a", version("a", 2)));
          reader.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "a", version("a", 5)));
          // a later record of a lower version is a rollback: v3 is re-promoted over v5
          reader.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, "a", version("a", 3)));
          reader.addRecord(new ConsumerRecord<>(TOPIC, 1, 0, "b", version("b", 1)));
        });

    Map<String, ModelVersion> champions =
        PromotedChampions.read(reader, TOPIC, Duration.ofMillis(10), () -> true);

    assertThat(champions).containsOnlyKeys("a", "b");
    assertThat(champions.get("a").getVersion()).isEqualTo(3);
    assertThat(champions.get("b").getVersion()).isEqualTo(1);

    // what is promoted while the evaluator runs comes through pollNew, in order
    reader.addRecord(new ConsumerRecord<>(TOPIC, 0, 3, "a", version("a", 6)));
    reader.addRecord(new ConsumerRecord<>(TOPIC, 0, 4, "a", version("a", 4)));
    assertThat(PromotedChampions.pollNew(reader).stream().map(ModelVersion::getVersion))
        .containsExactly(6, 4);
    assertThat(PromotedChampions.pollNew(reader)).isEmpty();
  }

  @Test
  void noTopicYetMeansNoChampions() {
    MockConsumer<String, ModelVersion> reader = new MockConsumer<>("earliest");
    assertThat(PromotedChampions.read(reader, TOPIC, Duration.ofMillis(10), () -> true)).isEmpty();
  }

  private static ModelVersion version(String modelId, int version) {
    ModelVersion v = ReportBuilderTest.modelVersion();
    v.setModelId(modelId);
    v.setVersion(version);
    return v;
  }
}
