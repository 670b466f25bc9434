package io.streamtune.preprocess.media;

import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.RawDecoding;
import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes and validates one raw envelope of an image or text pipeline: either a media record or a
 * dead letter naming the stage and the reason. Bad bytes never throw; only an unreachable schema
 * registry does (see {@link RawDecoding}), because that says nothing about the record.
 */
public final class MediaIntake {

  /** What became of one envelope. */
  public sealed interface Outcome {
    record Accepted(MediaRecord record) implements Outcome {}

    record Rejected(DeadLetter deadLetter) implements Outcome {}
  }

  private final Deserializer<RawRecord> deserializer;
  private final MediaValidator validator;
  private final Clock clock;

  public MediaIntake(Deserializer<RawRecord> deserializer, MediaValidator validator, Clock clock) {
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Outcome accept(RawEnvelope envelope) {
    RawDecoding.Decoded decoded = RawDecoding.decode(envelope, deserializer, clock);
    if (decoded.deadLetter() != null) {
      return new Outcome.Rejected(decoded.deadLetter());
    }
    RawRecord record = decoded.record();
    MediaValidation validation = validator.validate(record);
    if (validation instanceof MediaValidation.Valid valid) {
      return new Outcome.Accepted(valid.record());
    }
    String reason = ((MediaValidation.Rejected) validation).reason();
    return rejected(envelope, DeadLetters.STAGE_VALIDATE, reason, record.getId());
  }

  private Outcome rejected(RawEnvelope envelope, String stage, String reason, String recordId) {
    return new Outcome.Rejected(DeadLetters.of(envelope, stage, reason, recordId, clock.instant()));
  }
}
