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
}
