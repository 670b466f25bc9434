package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.sampling.ResamplerState;
import io.streamtune.preprocess.sampling.StreamingResampler;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.SamplingSpec;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The types that cross operators or live in state are Flink POJOs, not Kryo blobs. */
class FlinkTypesTest {

  private static <T> T roundTrip(Class<T> type, T value) throws Exception {
    TypeInformation<T> info = TypeInformation.of(type);
    assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<T> serializer = info.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(value, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  @Test
  void validatedRowRoundTripsWithMissingValues() throws Exception {
    ValidatedRow row =
        new ValidatedRow(
            "r1", 5L, "bad", 1, new double[] {Double.NaN, 2.5}, new String[] {null}, Split.HOLDOUT);

    assertThat(roundTrip(ValidatedRow.class, row)).isEqualTo(row);
    ValidatedRow unsplit = row.withSplit(null);
    assertThat(roundTrip(ValidatedRow.class, unsplit)).isEqualTo(unsplit);
  }

  @Test
  void validatedRowRoundTripsWithItsSource() throws Exception {
    ValidatedRow row =
        new ValidatedRow(
            "r2",
            6L,
            "good",
            0,
            new double[] {1.5},
            new String[] {"rent"},
            Split.TRAIN,
            new RawEnvelope("raw", 1, 7L, new byte[] {9}, new byte[] {1, 2}));

    assertThat(roundTrip(ValidatedRow.class, row)).isEqualTo(row);
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
