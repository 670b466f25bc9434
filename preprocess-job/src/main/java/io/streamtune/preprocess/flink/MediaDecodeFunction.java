package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.preprocess.media.MediaIntake;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaValidator;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.spec.PipelineSpec;
import java.time.Clock;
import java.util.function.Function;
import org.apache.flink.types.Either;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes raw bytes and validates image or text records against the spec ({@link MediaIntake});
 * rejected records go to the {@link DecodeAndValidateFunction#DEAD_LETTERS} side output.
 */
public final class MediaDecodeFunction extends IntakeFunction<MediaRecord> {

  private static final long serialVersionUID = 1L;

  public MediaDecodeFunction(String specYaml, String schemaRegistryUrl) {
    super(specYaml, schemaRegistryUrl);
  }

  @Override
  Function<RawEnvelope, Either<MediaRecord, DeadLetter>> intake(
      Deserializer<RawRecord> deserializer, PipelineSpec spec) {
    MediaIntake intake = new MediaIntake(deserializer, new MediaValidator(spec), Clock.systemUTC());
    return envelope -> {
      MediaIntake.Outcome outcome = intake.accept(envelope);
      return outcome instanceof MediaIntake.Outcome.Accepted ok
          ? Either.Left(ok.record())
          : Either.Right(((MediaIntake.Outcome.Rejected) outcome).deadLetter());
    };
  }
}
