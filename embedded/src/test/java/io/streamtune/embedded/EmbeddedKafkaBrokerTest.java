package io.streamtune.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confluent.kafka.schemaregistry.avro.AvroSchema;
import io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @TempDir static Path dataDir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(dataDir, 0);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aClusterNodeVotesInAQuorumOfAllNodesAndReplicatesThreeTimes(@TempDir Path dir) {
    Properties node =
        EmbeddedKafkaBroker.clusterNodeProperties(
            dir, 2, List.of(9001, 9002, 9003), List.of(9101, 9102, 9103));
    assertThat(node.getProperty("node.id")).isEqualTo("2");
    assertThat(node.getProperty("controller.quorum.voters"))
        .isEqualTo("1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103");
    assertThat(node.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:9002,CONTROLLER://127.0.0.1:9102");
    assertThat(node.getProperty("default.replication.factor")).isEqualTo("3");
    assertThat(node.getProperty("min.insync.replicas")).isEqualTo("2");
    assertThat(node.getProperty("transaction.state.log.replication.factor")).isEqualTo("3");
    assertThat(node.getProperty("transaction.state.log.min.isr")).isEqualTo("2");
    assertThat(node.getProperty("offsets.topic.replication.factor")).isEqualTo("3");
    assertThatThrownBy(
            () ->
                EmbeddedKafkaBroker.clusterNodeProperties(
                    dir, 4, List.of(9001, 9002, 9003), List.of(9101, 9102, 9103)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listensOnLoopbackOnly() {
    assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void producedRecordsAreConsumedInOrderPerKey() throws Exception {
    broker.createTopics(List.of("plain"), 2);
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>("plain", "key", "value-" + i)).get();
      }
    }

    List<ConsumerRecord<String, String>> records =
        TopicReader.readAtLeast(
            broker.bootstrapServers(),
            "plain",
            new StringDeserializer(),
            5,
            Duration.ofSeconds(20));

    assertThat(records)
        .extracting(ConsumerRecord::value)
        .containsExactly("value-0", "value-1", "value-2", "value-3", "value-4");
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("key");
  }

  /**
   * Idempotent producers writing the moment createTopics returns, many batches in flight: before
   * createTopics waited for leaders that answer, a first batch could be refused as not-leader,
   * overtaken by the next, and then retried as out of order until it expired (KAFKA-15591).
   */
  @Test
  void everyRecordSentRightAfterCreateTopicsIsWritten() throws Exception {
    // many partitions: the broker takes longer to open their logs after announcing their leader
    int topics = 4;
    int partitions = 48;
    int perTopic = 960;
    Map<String, Object> manySmallBatches =
        Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.BATCH_SIZE_CONFIG, 256,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    List<String> names = new ArrayList<>();
    try (KafkaProducer<String, String> producer = producer(manySmallBatches)) {
      List<Future<?>> sends = new ArrayList<>();
      for (int t = 0; t < topics; t++) {
        String topic = "fresh-" + t;
        names.add(topic);
        broker.createTopics(List.of(topic), partitions);
        for (int i = 0; i < perTopic; i++) {
          sends.add(
              producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i + "-padding")));
        }
      }
      producer.flush();
      for (Future<?> send : sends) {
        send.get(); // throws if a batch expired
      }
    }
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (String topic : names) {
        for (int p = 0; p < partitions; p++) {
          ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      long written =
          admin.listOffsets(ends).all().get().values().stream()
              .mapToLong(ListOffsetsResultInfo::offset)
              .sum();
      assertThat(written).isEqualTo((long) topics * perTopic);
    }
  }

  @Test
  void waitingForTopicsThatNeverAppearFailsWithTheirNames() throws Exception {
    try (Admin admin = admin()) {
      assertThatThrownBy(
              () -> TopicLeaders.await(admin, Set.of("never-created"), Duration.ofSeconds(1)))
          .isInstanceOf(KafkaException.class)
          .hasMessageContaining("never-created")
          .hasMessageContaining("no leader")
          .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
  }

  @Test
  void createTopicsIsIdempotentAndKeepsTheFirstPartitionCount() throws Exception {
    broker.createTopics(List.of("twice-a", "twice-b"), 3);
    broker.createTopics(List.of("twice-a", "twice-b", "twice-c"), 1);

    Map<String, TopicDescription> topics;
    try (Admin admin = admin()) {
      topics = admin.describeTopics(Set.of("twice-a", "twice-b", "twice-c")).allTopicNames().get();
    }
    assertThat(topics.get("twice-a").partitions()).hasSize(3);
    assertThat(topics.get("twice-b").partitions()).hasSize(3);
    assertThat(topics.get("twice-c").partitions()).hasSize(1);
  }

  @Test
  void topicsAreNotCreatedAutomatically() {
    try (KafkaProducer<String, String> producer =
        producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500))) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "k", "v")).get())
          .hasMessageContaining("never-created");
    }
  }

  @Test
  void abortedTransactionsAreInvisibleToReadCommitted() throws Exception {
    broker.createTopics(List.of("tx"), 2);
    try (KafkaProducer<String, String> producer =
        producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test-tx"))) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>("tx", "aborted-" + i, "aborted"));
      }
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 2; i++) {
        producer.send(new ProducerRecord<>("tx", "committed-" + i, "committed"));
      }
      producer.commitTransaction();
    }

    List<ConsumerRecord<String, String>> committed =
        TopicReader.readAll(
            broker.bootstrapServers(), "tx", new StringDeserializer(), Duration.ofSeconds(1));

    assertThat(committed).extracting(ConsumerRecord::value).containsOnly("committed").hasSize(2);
    // the aborted records did reach the log: a read_uncommitted reader sees all five
    assertThat(readUncommitted("tx", 5)).hasSize(5);
  }

  @Test
  void readAtLeastReportsHowManyRecordsItSaw() throws Exception {
    broker.createTopics(List.of("short"), 1);
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      producer.send(new ProducerRecord<>("short", "k", "only one")).get();
    }

    assertThatThrownBy(
            () ->
                TopicReader.readAtLeast(
                    broker.bootstrapServers(),
                    "short",
                    new StringDeserializer(),
                    2,
                    Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least 2")
        .hasMessageContaining("saw 1");
  }

  @Test
  void aRestartOnTheSameDataKeepsTopicsRecordsAndSchemas(@TempDir Path ownData) throws Exception {
    int schemaId;
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(ownData, 0)) {
      first.createTopics(List.of("kept"), 2);
      try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
        producer.send(new ProducerRecord<>("kept", "k", "before restart")).get();
      }
      try (EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(first.bootstrapServers())) {
        schemaId =
            new CachedSchemaRegistryClient(List.of(registry.url()), 10)
                .register("kept-value", new AvroSchema("\"string\""));
      }
    }

    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(ownData, 0);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(second.bootstrapServers())) {
      second.createTopics(List.of("kept"), 2);
      assertThat(
              TopicReader.readAtLeast(
                  second.bootstrapServers(),
                  "kept",
                  new StringDeserializer(),
                  1,
                  Duration.ofSeconds(20)))
          .extracting(ConsumerRecord::value)
          .containsExactly("before restart");
      assertThat(
              new CachedSchemaRegistryClient(List.of(registry.url()), 10)
                  .getLatestSchemaMetadata("kept-value")
                  .getId())
          .isEqualTo(schemaId);
    }
  }

  private List<ConsumerRecord<String, String>> readUncommitted(String topic, int expected) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }

  private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
    return producer(broker, extra);
  }

  private static KafkaProducer<String, String> producer(
      EmbeddedKafkaBroker target, Map<String, Object> extra) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    config.putAll(extra);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }
}
