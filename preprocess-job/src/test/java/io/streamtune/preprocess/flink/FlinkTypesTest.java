package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.sampling.ResamplerState;
import io.streamtune.preprocess.sampling.StreamingResampler;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SamplingSpec;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The types that cross operators or live in state are Flink POJOs or have hand-written serializers,
 * not Kryo blobs.
 */
class FlinkTypesTest {

  private static <T> T roundTrip(Class<T> type, T value) throws Exception {
    TypeInformation<T> info = TypeInformation.of(type);
    assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<T> serializer = info.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(value, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  private static ValidatedRow viaJobSerializer(ValidatedRow row) throws Exception {
    TypeSerializer<ValidatedRow> serializer =
        ValidatedRowSerializer.TYPE.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(16);
    serializer.serialize(row, out);
    serializer.serialize(row, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    ValidatedRow first = serializer.deserialize(in);
    // copy(view, view) is what a network hop without deserializing uses
    DataOutputSerializer copied = new DataOutputSerializer(16);
    serializer.copy(in, copied);
    assertThat(in.available()).as("nothing left after two rows").isZero();
    assertThat(serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())))
        .isEqualTo(first);
    return first;
  }

  @Test
  void validatedRowRoundTripsWithMissingValues() throws Exception {
    ValidatedRow row =
        new ValidatedRow(
            "r1",
            5L,
            "bad",
            1,
            new double[] {Double.NaN, 2.5},
            new String[] {null, "rent"},
            Split.HOLDOUT,
            null,
            null,
            null);

    assertThat(viaJobSerializer(row)).isEqualTo(row);
    ValidatedRow unsplit = row.withSplit(null);
    assertThat(viaJobSerializer(unsplit)).isEqualTo(unsplit);
    assertThat(viaJobSerializer(unsplit).split()).isNull();
  }

  @Test
  void validatedRowKeepsItsSourceSplitKeyAndBadCells() throws Exception {
    ValidatedRow row =
        new ValidatedRow(
            "r2",
            6L,
            "good",
            0,
            new double[] {1.5, Double.NaN},
            new String[] {"rent"},
            Split.TRAIN,
            new RawEnvelope("raw", 1, 7L, null, new byte[] {1, 2}),
            "group-7",
            List.of("age"));

    ValidatedRow back = viaJobSerializer(row);

    assertThat(back).isEqualTo(row);
    // equals leaves these out: checked one by one
    assertThat(back.source().key).isNull();
    assertThat(back.source().value).containsExactly(1, 2);
    assertThat(back.splitKey()).isEqualTo("group-7");
    assertThat(back.badCells()).containsExactly("age");
    ValidatedRow keyedById =
        new ValidatedRow(
            "r3", 7L, "good", 0, new double[0], new String[0], Split.TRAIN, null, null, null);
    assertThat(viaJobSerializer(keyedById).splitKey()).isEqualTo("r3");
    assertThat(viaJobSerializer(keyedById).source()).isNull();
  }

  /**
   * The row serializer's strings keep {@link StringValue}'s format both ways (rows in flight in an
   * unaligned checkpoint of an earlier build read back): ASCII, empty, null, accented, CJK, a
   * surrogate pair, a non-ASCII char after ASCII ones, and lengths past one varint byte.
   */
  @Test
  void rowStringsKeepFlinksStringFormat() throws Exception {
    List<String> texts =
        java.util.Arrays.asList(
            "a1b2-c3",
            "",
            null,
            "caf\u00e9",
            "\u4e2d\u6587",
            "x\ud83d\ude00y",
            "ascii then \u00e9 then more",
            "k".repeat(300),
            "\u00e9".repeat(200) + "z");
    for (String text : texts) {
      DataOutputSerializer ours = new DataOutputSerializer(8);
      ValidatedRowSerializer.writeString(text, ours);
      DataOutputSerializer flinks = new DataOutputSerializer(8);
      StringValue.writeString(text, flinks);
      assertThat(ours.getCopyOfBuffer())
          .as("bytes of %s", text)
          .isEqualTo(flinks.getCopyOfBuffer());

      DataInputDeserializer in = new DataInputDeserializer(flinks.getCopyOfBuffer());
      assertThat(ValidatedRowSerializer.readString(in)).isEqualTo(text);
      assertThat(in.available()).as("all of %s read, no more", text).isZero();
    }
  }

  @Test
  void aSpecsSerializerReadsItsCategoriesAsTheSpecsOwnStringsFromTheSameBytes() throws Exception {
    PipelineSpec spec =
        PipelineSpecs.parse(
            """
            name: canonical-test
            label: {column: y, classes: [a, b]}
            columns:
              x: {type: numeric}
              home: {type: categorical, categories: [owner, rent, "", "café"]}
              state: {type: categorical, categories: [CA, NY]}
            """,
            "test");
    TypeSerializer<ValidatedRow> specs =
        InstantiationUtil.clone(
            ValidatedRowSerializer.typeFor(spec).createSerializer(new SerializerConfigImpl()));
    assertThat(specs).isNotEqualTo(ValidatedRowSerializer.INSTANCE);
    assertThat(specs.duplicate()).isEqualTo(specs).isNotSameAs(specs);
    String[][] cases = {
      {"rent", "CA"}, {"owner", null}, {"", "NY"}, {"café", "TX"}, {"ren", "CAL"}, {"rent", "日本"}
    };
    for (String[] categories : cases) {
      // categories not read from the spec: a new string with the same text
      String[] fresh = new String[categories.length];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = categories[i] == null ? null : new String(categories[i].toCharArray());
      }
      ValidatedRow row =
          new ValidatedRow(
              "r", 1L, "a", 0, new double[] {1.5}, fresh, Split.TRAIN, null, null, null);
      DataOutputSerializer ours = new DataOutputSerializer(64);
      specs.serialize(row, ours);
      DataOutputSerializer plain = new DataOutputSerializer(64);
      ValidatedRowSerializer.INSTANCE.serialize(row, plain);
      assertThat(ours.getCopyOfBuffer()).isEqualTo(plain.getCopyOfBuffer());

      ValidatedRow read = specs.deserialize(new DataInputDeserializer(ours.getCopyOfBuffer()));
      assertThat(read).isEqualTo(row);
      List<List<String>> specCategories =
          List.of(
              spec.columns().get("home").categories(), spec.columns().get("state").categories());
      for (int i = 0; i < fresh.length; i++) {
        String value = read.categoricalValues()[i];
        int inSpec = specCategories.get(i).indexOf(fresh[i]);
        // ASCII categories are found by their bytes; others are read as new strings
        if (inSpec >= 0 && fresh[i].chars().allMatch(c -> c < 0x80)) {
          assertThat(value).as("%s", fresh[i]).isSameAs(specCategories.get(i).get(inSpec));
        } else if (inSpec < 0 && value != null) {
          // a value the spec does not list is not interned (unknown values are unbounded)
          assertThat(value).as("%s", fresh[i]).isNotSameAs(fresh[i].intern());
        }
      }
    }
  }

  @Test
  void validatedRowSerializerRestoresFromItsSnapshot() throws Exception {
    TypeSerializerSnapshot<ValidatedRow> snapshot =
        ValidatedRowSerializer.INSTANCE.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    TypeSerializerSnapshot<ValidatedRow> read =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

    assertThat(read.restoreSerializer()).isSameAs(ValidatedRowSerializer.INSTANCE);
    assertThat(
            ValidatedRowSerializer.INSTANCE
                .snapshotConfiguration()
                .resolveSchemaCompatibility(read)
                .isCompatibleAsIs())
        .isTrue();
  }

  @Test
  void mediaRecordIsAPojoWithoutKryo() throws Exception {
    MediaRecord image = MediaRecord.image("i1", 3L, "coat", 1, 2, 2, 1, new byte[] {1, 2, 3, 4});
    image.split = Split.TRAIN;
    MediaRecord text = MediaRecord.text("t1", 4L, "spam", 1, "buy now");

    SerializerConfigImpl noKryo = new SerializerConfigImpl();
    noKryo.setGenericTypes(false);
    TypeSerializer<MediaRecord> serializer =
        TypeInformation.of(MediaRecord.class).createSerializer(noKryo);
    assertThat(roundTrip(MediaRecord.class, image)).isEqualTo(image);
    assertThat(roundTrip(MediaRecord.class, text)).isEqualTo(text);
    assertThat(serializer.copy(image)).isEqualTo(image).isNotSameAs(image);
  }

  @Test
  void resamplerStateRoundTripsWithoutKryo() throws Exception {
    SamplingSpec sampling = SamplingSpec.of(SamplingSpec.Method.SMOTE_TOMEK).withStreaming(5, 6, 1);
    StreamingResampler resampler = new StreamingResampler(sampling, List.of("good", "bad"));
    ResamplerState state = resampler.emptyState();
    ResampleFunctionHarnessTest.stream(60, 9).forEach(e -> resampler.accept(e, state, out -> {}));
    assertThat(state.getWindow()).isNotEmpty();
    assertThat(state.getReservoir()).isNotEmpty();

    SerializerConfigImpl noKryo = new SerializerConfigImpl();
    noKryo.setGenericTypes(false); // any field Flink could only serialize with Kryo fails here
    TypeInformation<ResamplerState> info = TypeInformation.of(ResamplerState.class);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<ResamplerState> serializer = info.createSerializer(noKryo);
    DataOutputSerializer out = new DataOutputSerializer(1024);
    serializer.serialize(state, out);
    assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
        .isEqualTo(state);
    assertThat(serializer.copy(state)).isEqualTo(state).isNotSameAs(state);
  }

  @Test
  void envelopeRoundTrips() throws Exception {
    RawEnvelope envelope = new RawEnvelope("t", 1, 2L, null, new byte[] {1, 2, 3});

    assertThat(roundTrip(RawEnvelope.class, envelope)).isEqualTo(envelope);
  }
}
