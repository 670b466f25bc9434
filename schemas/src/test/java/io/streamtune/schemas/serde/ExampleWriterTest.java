package io.streamtune.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confluent.kafka.serializers.KafkaAvroSerializer;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.Split;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The hand-written Example writer writes the generic writer's bytes, and the serializer uses it.
 */
class ExampleWriterTest {

  private static final String[] TEXTS = {"", "a", "ünïcödé ✓", "row-123", "𝔘 surrogate pair"};

  private static String text(Random random) {
    return TEXTS[random.nextInt(TEXTS.length)] + (random.nextBoolean() ? random.nextInt() : "");
  }

  private static Example randomExample(Random random) {
    List<Float> features = new ArrayList<>();
    int width = random.nextInt(4) == 0 ? 0 : random.nextInt(300);
    for (int i = 0; i < width; i++) {
      int kind = random.nextInt(20);
      features.add(
          kind == 0
              ? Float.NaN
              : kind == 1 ? -0.0f : kind == 2 ? Float.MAX_VALUE : (float) random.nextGaussian());
    }
    List<String> parents = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      parents.add(text(random));
    }
    ImagePayload image = null;
    if (random.nextInt(3) == 0) {
      byte[] pixels = new byte[random.nextInt(50)];
      random.nextBytes(pixels);
      ByteBuffer data = ByteBuffer.wrap(pixels);
      if (pixels.length > 2 && random.nextBoolean()) {
        data.position(2); // only the remaining bytes are written
      }
      image =
          ImagePayload.newBuilder()
              .setWidth(random.nextInt(1000))
              .setHeight(random.nextInt(1000))
              .setChannels(random.nextBoolean() ? 1 : 3)
              .setEncoding(ImageEncoding.values()[random.nextInt(ImageEncoding.values().length)])
              .setData(data)
              .build();
    }
    return Example.newBuilder()
        .setId(text(random))
        .setSourceId(text(random))
        .setEventTime(Instant.ofEpochMilli(random.nextLong() >> 20))
        .setSplit(random.nextBoolean() ? Split.TRAIN : Split.HOLDOUT)
        .setLabel(text(random))
        .setLabelIndex(random.nextInt(21) - 10)
        .setFeatures(random.nextBoolean() ? features : asFloatArrayList(features))
        .setTransformVersion(random.nextInt(3) == 0 ? 0 : random.nextLong())
        .setAugmentedFrom(random.nextBoolean() ? null : text(random))
        .setSynthetic(random.nextBoolean())
        .setParentIds(parents)
        .setImage(image)
        .setText(random.nextBoolean() ? null : text(random))
        .build();
  }

  /** The preprocess job's features: a list over a float[], which the writer reads unboxed. */
  private static List<Float> asFloatArrayList(List<Float> features) {
    float[] values = new float[features.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = features.get(i);
    }
    return new FloatArrayList(values);
  }

  private static byte[] write(DatumWriter<Example> writer, Example example) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    writer.write(example, encoder);
    encoder.flush();
    return bytes.toByteArray();
  }

  @Test
  void writesTheGenericWritersBytes() throws IOException {
    Random random = new Random(11);
    ExampleWriter fast = new ExampleWriter();
    SpecificDatumWriter<Example> generic = new SpecificDatumWriter<>(Example.getClassSchema());
    for (int i = 0; i < 3_000; i++) {
      Example example = randomExample(random);
      int position = example.getImage() == null ? 0 : example.getImage().getData().position();
      assertThat(write(fast, example)).as("example %d", i).isEqualTo(write(generic, example));
      // and leaves the image buffer where it was
      if (example.getImage() != null) {
        assertThat(example.getImage().getData().position()).isEqualTo(position);
      }
    }
  }

  @Test
  void theSerializerWritesConfluentsBytesAndFallsBackOnWhatItCannotWrite() {
    String registry = "mock://example-writer-test";
    KafkaAvroSerializer confluent = new KafkaAvroSerializer();
    confluent.configure(AvroSerdes.config(registry), false);
    Random random = new Random(12);
    try (Serializer<Example> cached = AvroSerdes.valueSerializer(registry)) {
      for (int i = 0; i < 500; i++) {
        Example example = randomExample(random);
        assertThat(cached.serialize("examples", example))
            .as("example %d", i)
            .isEqualTo(confluent.serialize("examples", example));
      }
      Example broken = randomExample(random);
      broken.setLabel(null); // the builder refuses it; a setter does not
      assertThatThrownBy(() -> cached.serialize("examples", broken))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("cannot serialize io.streamtune.schemas.avro.Example")
          // reported by the generic writer, as before there was a hand-written one
          .hasStackTraceContaining("SpecificDatumWriter");
      // and it goes on writing
      Example next = randomExample(random);
      assertThat(cached.serialize("examples", next))
          .isEqualTo(confluent.serialize("examples", next));
    }
  }

  @Test
  void refusesAnotherSchema() {
    assertThatThrownBy(() -> new ExampleWriter().setSchema(ImagePayload.getClassSchema()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
