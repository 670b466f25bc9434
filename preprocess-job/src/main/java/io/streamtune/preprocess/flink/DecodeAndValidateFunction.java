package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.preprocess.core.RecordIntake;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.spec.PipelineSpec;
import java.time.Clock;
import java.util.function.Function;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes raw bytes with the Confluent deserializer and validates tabular records against the spec
 * (both in {@link RecordIntake}); rejected records go to the {@link #DEAD_LETTERS} side output.
 */
public final class DecodeAndValidateFunction extends IntakeFunction<ValidatedRow> {

  private static final long serialVersionUID = 1L;

  /** Where every intake (tabular, image, text) sends its dead letters. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = IntakeFunction.DEAD_LETTERS;

  public DecodeAndValidateFunction(String specYaml, String schemaRegistryUrl) {
    super(specYaml, schemaRegistryUrl);
  }

  @Override
  Function<RawEnvelope, Either<ValidatedRow, DeadLetter>> intake(
      Deserializer<RawRecord> deserializer, PipelineSpec spec) {
    RecordIntake intake =
        new RecordIntake(deserializer, new RecordValidator(spec), Clock.systemUTC());
    return envelope -> {
      RecordIntake.Outcome outcome = intake.accept(envelope);
      return outcome instanceof RecordIntake.Outcome.Accepted ok
          ? Either.Left(ok.row())
          : Either.Right(((RecordIntake.Outcome.Rejected) outcome).deadLetter());
    };
  }
}
