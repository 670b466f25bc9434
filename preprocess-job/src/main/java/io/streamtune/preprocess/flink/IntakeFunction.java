package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.RawEnvelope;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The Flink side of an intake (decode + validate, one per modality): builds the pure intake on the
 * task manager, emits what it accepts and sends what it rejects to {@link #DEAD_LETTERS}, counting
 * both. Stateless: runs at the job's parallelism.
 *
 * @param <T> what an accepted record becomes
 */
abstract class IntakeFunction<T> extends ProcessFunction<RawEnvelope, T> {

  private static final long serialVersionUID = 1L;

  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  // The spec travels as YAML: PipelineSpec is not Serializable.
  private final String specYaml;
  private final String schemaRegistryUrl;

  private transient Deserializer<RawRecord> deserializer;
  private transient Function<RawEnvelope, Either<T, DeadLetter>> intake;
  private transient Map<String, Counter> deadLettersByStage;
  private transient Counter accepted;

  IntakeFunction(String specYaml, String schemaRegistryUrl) {
    this.specYaml = specYaml;
    this.schemaRegistryUrl = schemaRegistryUrl;
  }

  /** The pure intake of this modality: an accepted value (left) or a dead letter (right). */
  abstract Function<RawEnvelope, Either<T, DeadLetter>> intake(
      Deserializer<RawRecord> deserializer, PipelineSpec spec);

  @Override
  public void open(OpenContext openContext) {
    // the Confluent deserializer is not Serializable, so it is made here, on the task manager
    deserializer = AvroSerdes.valueDeserializer(schemaRegistryUrl, RawRecord.class);
    intake = intake(deserializer, PipelineSpecs.parse(specYaml, "job pipeline spec"));
    deadLettersByStage = new HashMap<>();
    for (String stage : DeadLetters.STAGES) {
      deadLettersByStage.put(
          stage,
          getRuntimeContext().getMetricGroup().addGroup("stage", stage).counter("deadLettered"));
    }
    accepted = getRuntimeContext().getMetricGroup().counter("accepted");
  }

  @Override
  public void processElement(RawEnvelope envelope, Context context, Collector<T> out) {
    Either<T, DeadLetter> outcome = intake.apply(envelope);
    if (outcome.isLeft()) {
      accepted.inc();
      out.collect(outcome.left());
    } else {
      DeadLetter deadLetter = outcome.right();
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
