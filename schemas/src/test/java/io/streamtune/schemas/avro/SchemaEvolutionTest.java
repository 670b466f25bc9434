package io.streamtune.schemas.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema a topic carries against its released versions, kept in
 * src/test/resources/avro-released/NAME/vN.avsc (standalone, named types inlined). Consumers and
 * producers of different releases meet on the same topics, so each change must be BACKWARD (new
 * readers read old records) and FORWARD (old readers read new records) compatible with every
 * release, and the newest released file must be the current schema: a change is recorded as a new
 * vN+1 in the same commit.
 */
class SchemaEvolutionTest {

  private static final String RELEASED = "/avro-released/";

  /** The generated classes' schemas: what the services read and write with. */
  private static Stream<Schema> generated() {
    return Stream.of(
        RawRecord.getClassSchema(),
        Example.getClassSchema(),
        DeadLetter.getClassSchema(),
        ModelVersion.getClassSchema(),
        EvaluationReport.getClassSchema(),
        Prediction.getClassSchema(),
        Label.getClassSchema(),
        RetrainRequest.getClassSchema(),
        TransformVersion.getClassSchema());
  }

  static Stream<Schema> topicSchemas() {
    return generated().map(SchemaEvolutionTest::withoutJavaStringType);
  }

  /**
   * The schema as written in src/main/avro: the generated classes add {@code avro.java.string} (the
   * build's stringType=String), a Java-only property that is not part of the contract.
   */
  private static Schema withoutJavaStringType(Schema generated) {
    return new Schema.Parser()
        .parse(
            generated
                .toString()
                .replace(",\"avro.java.string\":\"String\"", "")
                .replace("{\"type\":\"string\"}", "\"string\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topicSchemas")
  void theNewestReleasedVersionIsTheCurrentSchema(Schema current) throws IOException {
    List<Schema> released = released(current.getName());
    assertThat(released).as("released versions of %s", current.getName()).isNotEmpty();
    assertThat(released.get(released.size() - 1))
        .as(
            "%s changed: check it here, then add it as avro-released/%s/v%d.avsc",
            current.getName(), current.getName(), released.size() + 1)
        .isEqualTo(current);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topicSchemas")
  void theCurrentSchemaIsBackwardAndForwardCompatibleWithEveryRelease(Schema current)
      throws IOException {
    for (Schema old : released(current.getName())) {
      assertThat(compatibility(current, old))
          .as("%s: current reader, released writer (BACKWARD)", current.getName())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      assertThat(compatibility(old, current))
          .as("%s: released reader, current writer (FORWARD)", current.getName())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topicSchemas")
  void recordsWrittenByEveryReleaseAreReadByTheCurrentClasses(Schema current) throws IOException {
    for (Schema old : released(current.getName())) {
      for (Object datum : new RandomData(old, 50, 7L)) {
        GenericRecord written = (GenericRecord) datum;
        SpecificRecordBase read = readAsCurrent(old, written);

        assertThat(withoutJavaStringType(read.getSchema())).isEqualTo(current);
        // and back to the released reader: every field it knows survived the trip unchanged
        assertThat(readAsReleased(current, read, old)).isEqualTo(written);
        for (Schema.Field field : current.getFields()) {
          if (old.getField(field.name()) == null) {
            assertThat(field.hasDefaultValue())
                .as("new field %s.%s has a default", current.getName(), field.name())
                .isTrue();
          }
        }
      }
    }
  }

  private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
  }

  private static SpecificRecordBase readAsCurrent(Schema writer, GenericRecord record)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
    encoder.flush();
    Schema current =
        generated().filter(s -> s.getName().equals(writer.getName())).findFirst().orElseThrow();
    SpecificDatumReader<SpecificRecordBase> reader = new SpecificDatumReader<>(writer, current);
    return reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  private static GenericRecord readAsReleased(Schema current, SpecificRecordBase record, Schema old)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<SpecificRecordBase>(current).write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(current, old)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  private static List<Schema> released(String name) throws IOException {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in =
          SchemaEvolutionTest.class.getResourceAsStream(RELEASED + name + "/v" + v + ".avsc")) {
        if (in == null) {
          return versions;
        }
        versions.add(new Schema.Parser().parse(in));
      }
    }
  }
}
