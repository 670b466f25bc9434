package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamtune.common.config.ConfigSource;
import io.streamtune.common.config.KafkaConnection;
import io.streamtune.embedded.EmbeddedKafkaBroker;
import io.streamtune.embedded.EmbeddedKafkaBroker.ScramUser;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secure defaults: a client configured only through the pass-through variables ({@code
 * STREAMTUNE_KAFKA_SECURITY_PROTOCOL}, {@code _SASL_MECHANISM}, {@code _SASL_JAAS_CONFIG}) reaches
 * the embedded broker's SASL/SCRAM-SHA-256 listener; with a wrong password it fails with an
 * authentication error instead of hanging.
 */
class RawRecordProducerSaslKafkaTest {

  private static final ScramUser USER = new ScramUser("streamtune-app", "app-secret");
  private static final String PREFIX = "sasl.";

  @TempDir static Path dataDir;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.start(dataDir, 0, USER);
    broker.createTopics(new Topics(PREFIX).allNames(), 1);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  /** What a deployment would set: nothing but {@code STREAMTUNE_*} variables. */
  private static KafkaConnection connection(String password) {
    Map<String, String> env = new HashMap<>();
    env.put("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS", broker.saslBootstrapServers());
    env.put("STREAMTUNE_SCHEMA_REGISTRY_URL", "mock://sasl-ingest");
    env.put("STREAMTUNE_TOPIC_PREFIX", PREFIX);
    env.put("STREAMTUNE_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
    env.put("STREAMTUNE_KAFKA_SASL_MECHANISM", EmbeddedKafkaBroker.SCRAM_MECHANISM);
    env.put("STREAMTUNE_KAFKA_SASL_JAAS_CONFIG", new ScramUser(USER.name(), password).jaasConfig());
    env.put("STREAMTUNE_KAFKA_MAX_BLOCK_MS", "20000");
    env.put("PATH", "/bin");
    return KafkaConnection.from(ConfigSource.of(env, Map.of()));
  }

  @Test
  void withTheRightPasswordRecordsAreProducedAndConsumedThroughTheSaslListener() throws Exception {
    KafkaConnection kafka = connection(USER.password());
    assertThat(kafka.kafkaSettings())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    assertThat(kafka.toString()).doesNotContain(USER.password());

    RawRecordProducer.Counts counts;
    try (RawRecordProducer producer = new RawRecordProducer(kafka)) {
      counts = producer.produce(texts(), 0, null);
    }

    assertThat(counts).isEqualTo(new RawRecordProducer.Counts(2, 0));
    try (KafkaConsumer<String, RawRecord> consumer = consumer(kafka)) {
      String raw = kafka.topics().name(Topics.RAW);
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(raw, Duration.ofSeconds(20))
          .forEach(p -> partitions.add(new TopicPartition(raw, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<String> keys = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (keys.size() < 2 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, RawRecord> record : consumer.poll(Duration.ofMillis(200))) {
          keys.add(record.key());
        }
      }
      assertThat(keys).containsExactlyInAnyOrder("a", "c");
    }
  }

  @Test
  void withAWrongPasswordTheClientsFailWithAnAuthenticationError() {
    KafkaConnection kafka = connection("not-the-password");

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (KafkaConsumer<String, RawRecord> consumer = consumer(kafka)) {
            assertThatThrownBy(
                    () ->
                        consumer.partitionsFor(
                            kafka.topics().name(Topics.RAW), Duration.ofSeconds(20)))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("invalid credentials");
          }
          try (RawRecordProducer producer = new RawRecordProducer(kafka)) {
            assertThatThrownBy(() -> producer.produce(texts(), 0, null))
                .satisfies(
                    e ->
                        assertThat(chain(e))
                            .anyMatch(
                                c ->
                                    c instanceof AuthenticationException
                                        || String.valueOf(c.getMessage())
                                            .contains("invalid credentials")));
          }
        });
  }

  private static JsonlTextReader texts() {
    String jsonl =
        "{\"id\": \"a\", \"label\": \"spam\", \"text\": \"one\"}\n"
            + "{\"id\": \"c\", \"label\": \"ham\", \"text\": \"three\"}\n";
    return new JsonlTextReader(
        new BufferedReader(new StringReader(jsonl)),
        "text",
        "label",
        "id",
        "mail",
        Clock.systemUTC());
  }

  /** A consumer as the services build theirs: the connection's properties, then its own. */
  private static KafkaConsumer<String, RawRecord> consumer(KafkaConnection kafka) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(
        props,
        new StringDeserializer(),
        AvroSerdes.valueDeserializer(
            kafka.schemaRegistryUrl(), kafka.registrySettings(), RawRecord.class));
  }

  private static List<Throwable> chain(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
