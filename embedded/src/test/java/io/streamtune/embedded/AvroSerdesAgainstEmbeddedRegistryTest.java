package io.streamtune.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.confluent.kafka.schemaregistry.avro.AvroSchema;
import io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The project's Confluent-wire-format serdes against the embedded registry and broker. */
class AvroSerdesAgainstEmbeddedRegistryTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void exampleRoundTripsInConfluentWireFormat() throws Exception {
    String topic = KAFKA.topics().name(Topics.EXAMPLES_TRAIN);
    Example example =
        Example.newBuilder()
            .setId("e-1")
            .setSourceId("r-1")
            .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
            .setSplit(Split.TRAIN)
            .setLabel("good")
            .setLabelIndex(1)
            .setFeatures(List.of(0.5f, -1.25f, 3f))
            .setTransformVersion(4)
            .setAugmentedFrom("r-0")
            .setSynthetic(true)
            .setParentIds(List.of("r-0", "r-7"))
            .build();

    byte[] bytes =
        AvroSerdes.<Example>valueSerializer(KAFKA.schemaRegistryUrl()).serialize(topic, example);
    Example back =
        AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), Example.class)
            .deserialize(topic, bytes);

    assertThat(back).isEqualTo(example);
    assertWireFormat(bytes, topic + "-value", Example.getClassSchema().toString());
  }

  @Test
  void rawRecordWithTabularPayloadRoundTripsThroughKafka() throws Exception {
    String topic = KAFKA.topics().name(Topics.RAW);
    Map<String, Object> values = new HashMap<>();
    values.put("Income", 120.5);
    values.put("Age", 42L);
    values.put("Home", "rent");
    values.put("Default", false);
    values.put("Missing", null);
    RawRecord record =
        RawRecord.newBuilder()
            .setId("r-1")
            .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .setSource("credit_data.csv:2")
            .setLabel("good")
            .setPayload(TabularPayload.newBuilder().setValues(values).build())
            .setAttributes(Map.of("dataset", "credit"))
            .build();
    Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(KAFKA.schemaRegistryUrl());

    byte[] bytes = serializer.serialize(topic, record);
    assertWireFormat(bytes, topic + "-value", RawRecord.getClassSchema().toString());
    try (KafkaProducer<String, RawRecord> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
            new StringSerializer(),
            serializer)) {
      producer.send(new ProducerRecord<>(topic, record.getId(), record)).get();
    }

    Deserializer<RawRecord> deserializer =
        AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), RawRecord.class);
    List<ConsumerRecord<String, RawRecord>> read =
        TopicReader.readAtLeast(
            KAFKA.bootstrapServers(), topic, deserializer, 1, Duration.ofSeconds(20));

    assertThat(read)
        .singleElement()
        .satisfies(
            consumed -> {
              assertThat(consumed.key()).isEqualTo("r-1");
              assertThat(consumed.value()).isEqualTo(record);
            });
    // the reader leaves the caller's deserializer usable
    assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(record);
  }

  /** Byte 0, then the 4-byte big-endian id the registry holds for the subject's schema. */
  private static void assertWireFormat(byte[] bytes, String subject, String schema)
      throws Exception {
    SchemaRegistryClient client =
        new CachedSchemaRegistryClient(List.of(KAFKA.schemaRegistryUrl()), 10);
    int registeredId = client.getId(subject, new AvroSchema(schema));

    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
    assertThat(registeredId).isPositive();
  }
}
