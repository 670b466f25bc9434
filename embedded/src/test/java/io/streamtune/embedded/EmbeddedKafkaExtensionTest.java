package io.streamtune.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import io.streamtune.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaExtensionTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void everyDefaultTopicExistsWithTwoPartitions() throws Exception {
    assertThat(KAFKA.topics().prefix()).isEqualTo(Topics.DEFAULT_PREFIX);
    Map<String, TopicDescription> topics;
    try (Admin admin = admin()) {
      topics = admin.describeTopics(KAFKA.topics().allNames()).allTopicNames().get();
    }
    assertThat(topics).hasSize(Topics.ALL.size());
    assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(2));
  }

  @Test
  void extraTopicsCanBeCreatedAndUsed() throws Exception {
    KAFKA.createTopics("extension-extra", "extension-extra");
    try (Admin admin = admin()) {
      assertThat(
              admin
                  .describeTopics(Set.of("extension-extra"))
                  .allTopicNames()
                  .get()
                  .get("extension-extra")
                  .partitions())
          .hasSize(2);
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("extension-extra", "a", "1")).get();
      producer.send(new ProducerRecord<>("extension-extra", "b", "2")).get();
    }

    List<ConsumerRecord<String, String>> records =
        TopicReader.readAll(
            KAFKA.bootstrapServers(),
            "extension-extra",
            new StringDeserializer(),
            Duration.ofMillis(500));

    assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("1", "2");
  }

  @Test
  void theRegistryAnswers() throws Exception {
    assertThat(KAFKA.schemaRegistryUrl()).startsWith("http://127.0.0.1:");
    assertThat(
            new CachedSchemaRegistryClient(List.of(KAFKA.schemaRegistryUrl()), 10)
                .getCompatibility(""))
        .isEqualTo("BACKWARD");
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
  }
}
