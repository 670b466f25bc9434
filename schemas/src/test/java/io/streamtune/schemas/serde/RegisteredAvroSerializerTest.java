package io.streamtune.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.Split;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class RegisteredAvroSerializerTest {

  private static Example example(String id, String text) {
    return new Example(
        id,
        "src",
        Instant.ofEpochMilli(42),
        Split.TRAIN,
        "coat",
        1,
        List.of(1.5f),
        3L,
        null,
        false,
        List.of(),
        new ImagePayload(2, 1, 1, ImageEncoding.RAW_U8, ByteBuffer.wrap(new byte[] {7, 9})),
        text);
  }

  @Test
  void writesExactlyTheBytesOfConfluentsSerializer() {
    String url = "mock://registered-serializer-test";
    Serializer<Example> confluent = AvroSerdes.valueSerializer(url);
    RegisteredAvroSerializer<Example> registered = new RegisteredAvroSerializer<>(url);
    Deserializer<Example> reader = AvroSerdes.valueDeserializer(url, Example.class);

    for (String text : new String[] {"a", null, "ünïcode text"}) {
      Example example = example("e-" + text, text);
      byte[] expected = confluent.serialize("examples", example);
      byte[] actual = registered.serialize("examples", example);
      assertThat(actual).isEqualTo(expected);
      assertThat(reader.deserialize("examples", actual)).isEqualTo(example);
    }
  }

  @Test
  void registersEachTopicsSchemaUnderItsOwnSubject() {
    String url = "mock://registered-serializer-subjects";
    RegisteredAvroSerializer<org.apache.avro.specific.SpecificRecord> serializer =
        new RegisteredAvroSerializer<>(url);
    Deserializer<DeadLetter> deadLetters = AvroSerdes.valueDeserializer(url, DeadLetter.class);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setTopic("raw")
            .setPartition(0)
            .setOffset(5)
            .setStage("validate")
            .setReason("why")
            .setFailedAt(Instant.ofEpochMilli(1))
            .build();

    byte[] exampleBytes = serializer.serialize("train", example("x", "t"));
    byte[] letterBytes = serializer.serialize("dead", letter);

    assertThat(deadLetters.deserialize("dead", letterBytes)).isEqualTo(letter);
    assertThat(ByteBuffer.wrap(letterBytes, 1, 4).getInt())
        .isNotEqualTo(ByteBuffer.wrap(exampleBytes, 1, 4).getInt());
    assertThat(serializer.serialize("dead", null)).isNull();
  }
}
