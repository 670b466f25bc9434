package io.streamtune.preprocess;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.RawDecoding;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.TabularWireReader;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaValidator;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.WriterSchemas;
import io.streamtune.spec.PipelineSpec;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes and validates one raw envelope, for every modality: either the validated record or a
 * rejection that names the stage and the reason and carries the envelope for its dead letter. Bad
 * bytes never throw; only an unreachable schema registry does ({@link RawDecoding}), because that
 * says nothing about the record and must not dead-letter good data. Only the value checks differ by
 * modality ({@link RecordValidator}, {@link MediaValidator}).
 *
 * @param <T> what an accepted record becomes
 */
public final class Intake<T> {

  private final Deserializer<RawRecord> deserializer;
  private final BiFunction<RawRecord, RawEnvelope, Outcome<T>> validator;

  /** The common case without decoding to a RawRecord, or null when the general path decides. */
  private final Function<RawEnvelope, T> shortcut;

  /**
   * @param validator checks a decoded record; it also gets the envelope, for a record that keeps it
   *     to be dead-lettered by a later stage
   */
  public Intake(
      Deserializer<RawRecord> deserializer,
      BiFunction<RawRecord, RawEnvelope, Outcome<T>> validator) {
    this(deserializer, validator, envelope -> null);
  }

  private Intake(
      Deserializer<RawRecord> deserializer,
      BiFunction<RawRecord, RawEnvelope, Outcome<T>> validator,
      Function<RawEnvelope, T> shortcut) {
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.shortcut = shortcut;
  }

  /**
   * Tabular rows; each keeps its envelope, because a cleaning or transform step may reject it. With
   * a deserializer that names the writer schema, the common case is read straight from the bytes
   * ({@link TabularWireReader}, same rows); anything else is decoded and validated in full.
   */
  public static Intake<ValidatedRow> tabular(
      Deserializer<RawRecord> deserializer, PipelineSpec spec) {
    RecordValidator validator = new RecordValidator(spec);
    Function<RawEnvelope, ValidatedRow> shortcut = envelope -> null;
    if (deserializer instanceof WriterSchemas schemas) {
      TabularWireReader wire = new TabularWireReader(spec);
      shortcut =
          envelope -> {
            ValidatedRow row = wire.read(envelope.value, schemas.writerSchemaOf(envelope.value));
            return row == null ? null : row.withSource(envelope);
          };
    }
    return new Intake<>(
        deserializer,
        (record, envelope) -> validator.validate(record).map(row -> row.withSource(envelope)),
        shortcut);
  }

  /** Image or text records; nothing after validation rejects them, so they drop the envelope. */
  public static Intake<MediaRecord> media(Deserializer<RawRecord> deserializer, PipelineSpec spec) {
    MediaValidator validator = new MediaValidator(spec);
    return new Intake<>(deserializer, (record, envelope) -> validator.validate(record));
  }

  /**
   * Tabular requests to a served model: the same decoding and checks as {@link #tabular}, except
   * that a request needs no label.
   */
  public static Intake<ValidatedRow> tabularRequests(
      Deserializer<RawRecord> deserializer, PipelineSpec spec) {
    RecordValidator validator = new RecordValidator(spec, false);
    return new Intake<>(
        deserializer,
        (record, envelope) -> validator.validate(record).map(row -> row.withSource(envelope)));
  }

  /**
   * Image or text requests to a served model: the same decoding and checks as {@link #media},
   * except that a request needs no label.
   */
  public static Intake<MediaRecord> mediaRequests(
      Deserializer<RawRecord> deserializer, PipelineSpec spec) {
    MediaValidator validator = new MediaValidator(spec, false);
    return new Intake<>(deserializer, (record, envelope) -> validator.validate(record));
  }

  public Outcome<T> accept(RawEnvelope envelope) {
    T quick = shortcut.apply(envelope);
    if (quick != null) {
      return Outcome.accepted(quick);
    }
    Outcome<RawRecord> decoded = RawDecoding.decode(envelope, deserializer);
    if (decoded instanceof Outcome.Rejected<RawRecord> undecodable) {
      return undecodable.retyped();
    }
    Outcome<T> validated =
        validator.apply(((Outcome.Accepted<RawRecord>) decoded).value(), envelope);
    return validated instanceof Outcome.Rejected<T> rejected ? rejected.from(envelope) : validated;
  }
}
