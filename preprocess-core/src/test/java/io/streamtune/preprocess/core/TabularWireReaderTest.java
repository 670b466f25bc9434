package io.streamtune.preprocess.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.confluent.kafka.serializers.KafkaAvroSerializer;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.Intake;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.serde.WriterSchemas;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The wire reader against the general path (decode, then {@link RecordValidator}): on random
 * records, clean and dirty, every row it reads is the general path's row, it reads the clean ones,
 * and the intake's outcomes (rows and dead-letter reasons) are the same with and without it.
 */
class TabularWireReaderTest {

  private static final String REGISTRY = "mock://tabular-wire-reader-test";
  private static final String TOPIC = "streamtune.raw";

  private static final String SPEC_YAML =
      """
      name: wire-test
      label:
        column: Status
        classes: [good, bad, "so-so"]
        excluded: [rare]
      columns:
        Income: {type: numeric}
        Age: {type: numeric}
        Debt: {type: numeric}
        Home: {type: categorical, categories: [owner, rent, "ünïcode", " padded"]}
        Grade: {type: categorical, categories: [A1, A2, B1, B2, C1]}
      split:
        holdoutFraction: 0.2
        salt: test
      """;

  private final Deserializer<RawRecord> deserializer =
      AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class);

  private static byte[] serialize(SpecificRecord record) {
    try (Serializer<SpecificRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      return serializer.serialize(TOPIC, record);
    }
  }

  private static RawEnvelope envelope(byte[] value) {
    return new RawEnvelope(TOPIC, 0, 7L, null, value);
  }

  private static final Object[] NUMERIC_CELLS = {
    1.5, -0.0, 42L, null, 1e300, Double.NaN, Double.POSITIVE_INFINITY, " 3.5", "7", "abc", true, ""
  };
  private static final Object[] HOME_CELLS = {
    "owner", "rent", "ünïcode", " padded", "padded", " owner", "", null, "villa", 3L, 2.0, false
  };
  private static final Object[] GRADE_CELLS = {"A1", "A2", "B1", "B2", "C1", "Z9", "a1", null};
  private static final String[] LABELS = {
    "good", "bad", "so-so", " good", "rare", "ugly", "", null
  };

  /** A record with mostly clean cells; {@code dirt} in [0, 1] is the chance of each odd cell. */
  private static RawRecord randomRecord(Random random, int n, double dirt) {
    Map<String, Object> cells = new LinkedHashMap<>();
    for (String column : List.of("Income", "Age", "Debt")) {
      if (random.nextDouble() < dirt) {
        Object odd = NUMERIC_CELLS[random.nextInt(NUMERIC_CELLS.length)];
        if (random.nextBoolean()) {
          cells.put(column, odd);
        } // else: absent
      } else {
        cells.put(
            column, random.nextBoolean() ? random.nextGaussian() * 1e4 : (long) random.nextInt());
      }
    }
    cells.put(
        "Home",
        random.nextDouble() < dirt
            ? HOME_CELLS[random.nextInt(HOME_CELLS.length)]
            : HOME_CELLS[random.nextInt(3)]);
    cells.put(
        "Grade",
        random.nextDouble() < dirt
            ? GRADE_CELLS[random.nextInt(GRADE_CELLS.length)]
            : GRADE_CELLS[random.nextInt(5)]);
    if (random.nextDouble() < dirt / 2) {
      cells.put("Status", "bad"); // the label column among the cells too
    }
    if (random.nextDouble() < dirt / 2) {
      cells.put("Extra", random.nextBoolean() ? 1.0 : "x");
    }
    String label =
        random.nextDouble() < dirt
            ? LABELS[random.nextInt(LABELS.length)]
            : LABELS[random.nextInt(3)];
    Map<String, String> attributes = new HashMap<>();
    if (random.nextDouble() < dirt / 2) {
      attributes.put("origin", "line " + n);
    }
    if (random.nextDouble() < dirt / 4) {
      attributes.put(DeadLetterRecords.MALFORMED_ATTRIBUTE, "3 cells, header has 5");
    }
    String id = random.nextDouble() < dirt / 4 ? " " : "row-" + n + "-é";
    return RawRecord.newBuilder()
        .setId(id)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000)))
        .setSource("wire-test:" + n)
        .setLabel(label)
        .setPayload(TabularPayload.newBuilder().setValues(new HashMap<>(cells)).build())
        .setAttributes(attributes)
        .build();
  }

  private static void assertSameRow(ValidatedRow fast, ValidatedRow general) {
    assertThat(fast).isEqualTo(general);
    assertThat(fast.splitKey()).isEqualTo(general.splitKey());
    assertThat(fast.badCells()).isEqualTo(general.badCells());
    assertThat(fast.numericValues()).containsExactly(general.numericValues());
  }

  private void compareOnRandomRecords(PipelineSpec spec, int records, double dirt, long seed) {
    TabularWireReader wire = new TabularWireReader(spec);
    RecordValidator validator = new RecordValidator(spec);
    WriterSchemas schemas = (WriterSchemas) deserializer;
    Random random = new Random(seed);
    int read = 0;
    int accepted = 0;
    for (int n = 0; n < records; n++) {
      byte[] bytes = serialize(randomRecord(random, n, dirt));
      ValidatedRow fast = wire.read(bytes, schemas.writerSchemaOf(bytes));
      Outcome<ValidatedRow> general = validator.validate(deserializer.deserialize(TOPIC, bytes));
      if (general instanceof Outcome.Accepted<ValidatedRow> ok) {
        accepted++;
        if (fast != null) {
          read++;
          assertSameRow(fast, ok.value());
        }
      } else {
        assertThat(fast).as("record %d: %s", n, general).isNull();
      }
    }
    if (dirt == 0) {
      assertThat(read).isEqualTo(records);
    } else {
      // the clean part is read straight, the odd cells are left to the general path
      assertThat(read).isGreaterThan(accepted / 4).isLessThan(accepted);
    }
  }

  @Test
  void cleanRecordsAreReadAsTheGeneralPathReadsThem() {
    compareOnRandomRecords(PipelineSpecs.parse(SPEC_YAML, "test"), 2_000, 0, 1);
  }

  @Test
  void dirtyRecordsAreEitherTheGeneralPathsRowOrLeftToIt() {
    compareOnRandomRecords(PipelineSpecs.parse(SPEC_YAML, "test"), 3_000, 0.3, 2);
  }

  @Test
  void unknownColumnsIgnoredAndContentSplitKeysAgree() {
    PipelineSpec spec =
        PipelineSpecs.parse(
            SPEC_YAML
                + """
                  key: content
                preprocess:
                  unknownColumns: ignore
                """,
            "test");
    assertThat(spec.split().keyKind()).isEqualTo(PipelineSpec.SplitSpec.KeyKind.CONTENT);
    compareOnRandomRecords(spec, 3_000, 0.3, 3);
  }

  @Test
  void theIntakesOutcomesAreTheSameWithAndWithoutTheWireReader() {
    PipelineSpec spec = PipelineSpecs.parse(SPEC_YAML, "test");
    Intake<ValidatedRow> withWire = Intake.tabular(deserializer, spec);
    RecordValidator validator = new RecordValidator(spec);
    Intake<ValidatedRow> general =
        new Intake<>(
            AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class),
            (record, envelope) -> validator.validate(record).map(row -> row.withSource(envelope)));
    Random random = new Random(4);
    Instant now = Instant.parse("2026-12-07T00:00:00Z");
    for (int n = 0; n < 2_000; n++) {
      RawEnvelope envelope = envelope(serialize(randomRecord(random, n, 0.3)));
      Outcome<ValidatedRow> expected = general.accept(envelope);
      Outcome<ValidatedRow> actual = withWire.accept(envelope);
      if (expected instanceof Outcome.Accepted<ValidatedRow> ok) {
        assertThat(actual).isInstanceOf(Outcome.Accepted.class);
        ValidatedRow row = ((Outcome.Accepted<ValidatedRow>) actual).value();
        assertSameRow(row, ok.value());
        assertThat(row.source()).isSameAs(envelope);
      } else {
        assertThat(actual).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected<ValidatedRow>) actual).deadLetter(now))
            .isEqualTo(((Outcome.Rejected<ValidatedRow>) expected).deadLetter(now));
      }
    }
  }

  @Test
  void anotherWriterSchemaIsLeftToTheGeneralPath() {
    // RawRecord evolved by a producer: one more field; the reader schema resolves it, the wire
    // layout differs
    Schema raw = RawRecord.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : raw.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(new Schema.Field("shard", SchemaBuilder.builder().intType(), null, 0));
    Schema evolved =
        Schema.createRecord(raw.getName(), raw.getDoc(), raw.getNamespace(), false, fields);
    RawRecord record = TestSpecs.tabular("r1", "good", "Income", 1.0, "Home", "owner");
    GenericRecord generic = new GenericData.Record(evolved);
    for (Schema.Field field : raw.getFields()) {
      Object value = record.get(field.name());
      generic.put(field.name(), value instanceof Instant instant ? instant.toEpochMilli() : value);
    }
    generic.put("shard", 5);
    KafkaAvroSerializer confluent = new KafkaAvroSerializer();
    confluent.configure(AvroSerdes.config(REGISTRY), false);
    byte[] bytes = confluent.serialize(TOPIC, generic);
    PipelineSpec spec = TestSpecs.credit();
    Schema writer = ((WriterSchemas) deserializer).writerSchemaOf(bytes);
    assertThat(writer).isEqualTo(evolved);

    assertThat(new TabularWireReader(spec).read(bytes, writer)).isNull();
    Outcome<ValidatedRow> outcome = Intake.tabular(deserializer, spec).accept(envelope(bytes));
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    assertThat(((Outcome.Accepted<ValidatedRow>) outcome).value().numericValues()[0])
        .isEqualTo(1.0);
  }

  @Test
  void cutOrCorruptBytesAreLeftToTheGeneralPath() {
    PipelineSpec spec = PipelineSpecs.parse(SPEC_YAML, "test");
    TabularWireReader wire = new TabularWireReader(spec);
    RecordValidator validator = new RecordValidator(spec);
    int readCorrupt = 0;
    Random random = new Random(5);
    byte[] bytes = serialize(randomRecord(random, 1, 0));
    Schema writer = ((WriterSchemas) deserializer).writerSchemaOf(bytes);
    assertThat(wire.read(bytes, writer)).isNotNull();
    for (int cut = 0; cut < bytes.length; cut++) {
      assertThat(wire.read(Arrays.copyOf(bytes, cut), writer)).as("cut at %d", cut).isNull();
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThat(wire.read(longer, writer)).isNull();
    for (int at = 5; at < bytes.length; at++) {
      byte[] corrupt = bytes.clone();
      corrupt[at] = (byte) 0xff;
      ValidatedRow row = wire.read(corrupt, writer); // never throws
      if (row != null) {
        // a changed byte of the id, a number or the event time can still make a valid record:
        // then the general path reads the same one
        Outcome<ValidatedRow> general =
            validator.validate(deserializer.deserialize(TOPIC, corrupt));
        assertThat(general).isInstanceOf(Outcome.Accepted.class);
        assertSameRow(row, ((Outcome.Accepted<ValidatedRow>) general).value());
        readCorrupt++;
      }
    }
    assertThat(readCorrupt).isPositive();
    assertThat(wire.read(bytes, null)).isNull();
    assertThat(wire.read(new byte[0], writer)).isNull();
    assertThat(wire.read("not avro".getBytes(StandardCharsets.UTF_8), writer)).isNull();
  }

  @Test
  void aNonTabularPayloadIsLeftToTheGeneralPath() {
    RawRecord text =
        RawRecord.newBuilder()
            .setId("t1")
            .setEventTime(Instant.ofEpochMilli(1))
            .setSource("test")
            .setLabel("good")
            .setPayload(TextPayload.newBuilder().setText("hello").build())
            .setAttributes(Map.of())
            .build();
    byte[] bytes = serialize(text);
    assertThat(
            new TabularWireReader(TestSpecs.credit())
                .read(bytes, ((WriterSchemas) deserializer).writerSchemaOf(bytes)))
        .isNull();
  }

  @Test
  void utf8KeysFindTheirStringsOnly() {
    Utf8Keys keys = new Utf8Keys(Arrays.asList("a", "ünï", null, "", "a", "b"));
    byte[] buffer = "xxünïab".getBytes(StandardCharsets.UTF_8);
    assertThat(keys.find(buffer, 2, 5)).isEqualTo(1);
    assertThat(keys.find(buffer, 7, 1)).isEqualTo(0);
    assertThat(keys.find(buffer, 8, 1)).isEqualTo(5);
    assertThat(keys.find(buffer, 0, 0)).isEqualTo(3);
    assertThat(keys.find(buffer, 0, 2)).isEqualTo(-1);
    assertThat(keys.find(buffer, 7, 2)).isEqualTo(-1);
    // a guess is tried first, and a wrong one costs nothing but the lookup
    assertThat(keys.find(buffer, 2, 5, 1)).isEqualTo(1);
    assertThat(keys.find(buffer, 2, 5, 0)).isEqualTo(1);
    assertThat(keys.find(buffer, 0, 2, 0)).isEqualTo(-1);
    assertThat(keys.find(buffer, 7, 1, -1)).isEqualTo(0);
  }
}
