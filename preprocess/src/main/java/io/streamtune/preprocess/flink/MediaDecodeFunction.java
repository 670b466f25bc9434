package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.preprocess.media.MediaIntake;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.preprocess.media.MediaValidator;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.spec.PipelineSpecs;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes raw bytes and validates image or text records against the spec ({@link MediaIntake});
 * rejected records go to the {@link DecodeAndValidateFunction#DEAD_LETTERS} side output. Stateless:
 * runs at the job's parallelism.
 */
public final class MediaDecodeFunction extends ProcessFunction<RawEnvelope, MediaRecord> {

  private static final long serialVersionUID = 1L;

  // The spec travels as YAML: PipelineSpec is not Serializable.
  private final String specYaml;
  private final String schemaRegistryUrl;

  private transient Deserializer<RawRecord> deserializer;
  private transient MediaIntake intake;
  private transient Map<String, Counter> deadLettersByStage;
  private transient Counter accepted;

  public MediaDecodeFunction(String specYaml, String schemaRegistryUrl) {
    this.specYaml = specYaml;
    this.schemaRegistryUrl = schemaRegistryUrl;
  }

  @Override
  public void open(OpenContext openContext) {
    // the Confluent deserializer is not Serializable, so it is made here, on the task manager
    deserializer = AvroSerdes.valueDeserializer(schemaRegistryUrl, RawRecord.class);
    intake =
        new MediaIntake(
            deserializer,
            new MediaValidator(PipelineSpecs.parse(specYaml, "job pipeline spec")),
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
  public void processElement(RawEnvelope envelope, Context context, Collector<MediaRecord> out) {
    MediaIntake.Outcome outcome = intake.accept(envelope);
    if (outcome instanceof MediaIntake.Outcome.Accepted ok) {
      accepted.inc();
      out.collect(ok.record());
    } else {
      DeadLetter deadLetter = ((MediaIntake.Outcome.Rejected) outcome).deadLetter();
      deadLettersByStage.get(deadLetter.getStage()).inc();
      context.output(DecodeAndValidateFunction.DEAD_LETTERS, deadLetter);
    }
  }

  @Override
  public void close() {
    if (deserializer != null) {
      deserializer.close();
    }
  }
}
