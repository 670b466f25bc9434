package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.preprocess.core.RecordIntake;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.spec.PipelineSpecs;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes raw bytes with the Confluent deserializer and validates them against the spec (both in
 * {@link RecordIntake}); rejected records go to the {@link #DEAD_LETTERS} side output.
 */
public final class DecodeAndValidateFunction extends ProcessFunction<RawEnvelope, ValidatedRow> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  // The spec travels as YAML: PipelineSpec is not Serializable.
  private final String specYaml;
  private final String schemaRegistryUrl;

  private transient Deserializer<RawRecord> deserializer;
  private transient RecordIntake intake;
  private transient Map<String, Counter> deadLettersByStage;
  private transient Counter accepted;

  public DecodeAndValidateFunction(String specYaml, String schemaRegistryUrl) {
    this.specYaml = specYaml;
    this.schemaRegistryUrl = schemaRegistryUrl;
  }

  @Override
  public void open(OpenContext openContext) {
    // the Confluent deserializer is not Serializable, so it is made here, on the task manager
    deserializer = AvroSerdes.valueDeserializer(schemaRegistryUrl, RawRecord.class);
    intake =
        new RecordIntake(
            deserializer,
            new RecordValidator(PipelineSpecs.parse(specYaml, "job pipeline spec")),
            Clock.systemUTC());
    deadLettersByStage = new HashMap<>();
    for (String stage : DeadLetters.STAGES) {
      deadLettersByStage.put(
          stage,
          getRuntimeContext().getMetricGroup().addGroup("stage", stage).counter("deadLettered"));
    }
    accepted = getRuntimeContext().getMetricGroup().counter("accepted");
  }

  @Override
  public void processElement(RawEnvelope envelope, Context context, Collector<ValidatedRow> out) {
    RecordIntake.Outcome outcome = intake.accept(envelope);
    if (outcome instanceof RecordIntake.Outcome.Accepted ok) {
      accepted.inc();
      out.collect(ok.row());
    } else {
      DeadLetter deadLetter = ((RecordIntake.Outcome.Rejected) outcome).deadLetter();
      deadLettersByStage.get(deadLetter.getStage()).inc();
      context.output(DEAD_LETTERS, deadLetter);
    }
  }

  @Override
  public void close() {
    if (deserializer != null) {
      deserializer.close();
    }
  }
}
