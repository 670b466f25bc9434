package io.streamtune.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Round trips through the Confluent serializers against the client's in-memory mock registry. */
class AvroSerdesTest {

  private static final String REGISTRY = "mock://avro-serdes-test";

  @Test
  void rawRecordRoundTripsInConfluentWireFormat() {
    Map<String, Object> values = new HashMap<>();
    values.put("Income", 120.5);
    values.put("Home", "rent");
    values.put("Age", null);
    RawRecord record =
        RawRecord.newBuilder()
            .setId("r-1")
            .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .setSource("credit_data.csv:2")
            .setLabel("good")
            .setPayload(TabularPayload.newBuilder().setValues(values).build())
            .build();

    byte[] bytes = AvroSerdes.<RawRecord>valueSerializer(REGISTRY).serialize("raw", record);
    RawRecord back =
        AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class).deserialize("raw", bytes);

    assertThat(bytes[0]).isZero();
    assertThat(back).isEqualTo(record);
  }

  @Test
  void aRecordOfAnotherTypeIsASerializationError() {
    RawRecord record =
        RawRecord.newBuilder()
            .setId("r-2")
            .setEventTime(Instant.EPOCH)
            .setSource("s")
            .setPayload(TabularPayload.newBuilder().setValues(Map.of()).build())
            .build();
    byte[] bytes = AvroSerdes.<RawRecord>valueSerializer(REGISTRY).serialize("raw", record);

    assertThatThrownBy(
            () ->
                AvroSerdes.valueDeserializer(REGISTRY, DeadLetter.class).deserialize("raw", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("expected DeadLetter");
  }

  @Test
  void bytesThatAreNotConfluentAvroAreASerializationError() {
    assertThatThrownBy(
            () ->
                AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class)
                    .deserialize("raw", "not avro".getBytes()))
        .isInstanceOf(SerializationException.class);
  }

  /**
   * After the first record (written by Confluent's serializer, which registers the schema), the
   * cached path writes byte for byte what Confluent's serializer writes, and Confluent's
   * deserializer reads it; the cached reader reads Confluent's bytes.
   */
  @Test
  void cachedPathsMatchTheConfluentSerdesByteForByte() {
    String registry = "mock://avro-serdes-cached";
    io.confluent.kafka.serializers.KafkaAvroSerializer confluentWriter =
        new io.confluent.kafka.serializers.KafkaAvroSerializer();
    confluentWriter.configure(AvroSerdes.config(registry), false);
    io.confluent.kafka.serializers.KafkaAvroDeserializer confluentReader =
        new io.confluent.kafka.serializers.KafkaAvroDeserializer();
    confluentReader.configure(AvroSerdes.config(registry), false);
    org.apache.kafka.common.serialization.Serializer<RawRecord> cached =
        AvroSerdes.valueSerializer(registry);
    org.apache.kafka.common.serialization.Deserializer<RawRecord> cachedReader =
        AvroSerdes.valueDeserializer(registry, RawRecord.class);

    for (int i = 0; i < 5; i++) {
      Map<String, Object> values = new HashMap<>();
      values.put("Income", 10.0 * i);
      values.put("Home", i % 2 == 0 ? "rent" : null);
      values.put("Count", (long) i);
      RawRecord record =
          RawRecord.newBuilder()
              .setId("r-" + i)
              .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i))
              .setSource("test:" + i)
              .setLabel(i % 3 == 0 ? null : "good")
              .setPayload(TabularPayload.newBuilder().setValues(values).build())
              .build();
      byte[] ours = cached.serialize("raw", record);
      byte[] theirs = confluentWriter.serialize("raw", record);
      assertThat(ours).as("record %d", i).isEqualTo(theirs);
      assertThat(confluentReader.deserialize("raw", ours)).isEqualTo(record);
      assertThat(cachedReader.deserialize("raw", theirs)).isEqualTo(record);
    }
    // a record of another type on the same deserializer is still refused by type
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setStage("ingest")
            .setReason("r")
            .setTopic("raw")
            .setPartition(0)
            .setOffset(0L)
            .setFailedAt(Instant.EPOCH)
            .build();
    byte[] letterBytes = AvroSerdes.<DeadLetter>valueSerializer(registry).serialize("x", letter);
    assertThatThrownBy(() -> cachedReader.deserialize("x", letterBytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("expected RawRecord");
    // and a corrupt body after a known schema id is a serialization error, not garbage
    byte[] corrupt =
        cached.serialize(
            "raw",
            RawRecord.newBuilder()
                .setId("c")
                .setEventTime(Instant.EPOCH)
                .setSource("s")
                .setPayload(TabularPayload.newBuilder().setValues(Map.of()).build())
                .build());
    byte[] truncated = java.util.Arrays.copyOf(corrupt, 7);
    assertThatThrownBy(() -> cachedReader.deserialize("raw", truncated))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void registryClientSettingsReachTheSerdeConfigAndTheProjectsOwnWin() {
    Map<String, String> settings =
        Map.of(
            "basic.auth.credentials.source", "USER_INFO",
            "basic.auth.user.info", "app:secret",
            "schema.registry.ssl.truststore.location", "/etc/ts.jks",
            "auto.register.schemas", "false");

    Map<String, Object> config = AvroSerdes.config("https://registry:8081", settings);

    assertThat(config)
        .containsEntry("schema.registry.url", "https://registry:8081")
        .containsEntry("basic.auth.credentials.source", "USER_INFO")
        .containsEntry("basic.auth.user.info", "app:secret")
        .containsEntry("schema.registry.ssl.truststore.location", "/etc/ts.jks")
        .containsEntry("auto.register.schemas", true);
    RawRecord record =
        RawRecord.newBuilder()
            .setId("r-2")
            .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .setSource("s")
            .setLabel("good")
            .setPayload(TabularPayload.newBuilder().setValues(Map.of()).build())
            .build();
    Map<String, String> basicAuth =
        Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "a:b");
    byte[] bytes =
        AvroSerdes.<RawRecord>valueSerializer(REGISTRY, basicAuth).serialize("raw", record);
    assertThat(
            AvroSerdes.valueDeserializer(REGISTRY, basicAuth, RawRecord.class)
                .deserialize("raw", bytes))
        .isEqualTo(record);
  }
}
