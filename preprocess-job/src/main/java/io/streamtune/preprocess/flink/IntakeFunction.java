package io.streamtune.preprocess.flink;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.Intake;
import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.media.MediaRecord;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import java.io.Serializable;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decode and validate ({@link Intake}) for every modality: emits what the intake accepts and sends
 * what it rejects to {@link #DEAD_LETTERS}, counting both. Stateless: runs at the job's
 * parallelism.
 *
 * @param <T> what an accepted record becomes
 */
public final class IntakeFunction<T> extends ProcessFunction<RawEnvelope, T> {

  private static final long serialVersionUID = 2L;

  /** Where every intake (tabular, image, text) sends its dead letters. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /** Builds the pure intake on the task manager, where the deserializer can be made. */
  private interface IntakeFactory<T> extends Serializable {
    Intake<T> create(Deserializer<RawRecord> deserializer, PipelineSpec spec);
  }

  private final PipelineSpec spec;
  private final String schemaRegistryUrl;
  private final Map<String, String> registrySettings;
  private final IntakeFactory<T> factory;

  private transient Deserializer<RawRecord> deserializer;
  private transient Intake<T> intake;
  private transient Map<String, Counter> deadLettersByStage;
  private transient Counter accepted;

  /** Per numeric column: cells that were not numbers and became missing (badValues: missing). */
  private transient Map<String, Counter> badCellsByColumn;

  private IntakeFunction(
      PipelineSpec spec,
      String schemaRegistryUrl,
      Map<String, String> registrySettings,
      IntakeFactory<T> factory) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.schemaRegistryUrl = schemaRegistryUrl;
    this.registrySettings = new HashMap<>(registrySettings);
    this.factory = factory;
  }

  public static IntakeFunction<ValidatedRow> tabular(PipelineSpec spec, String schemaRegistryUrl) {
    return tabular(spec, schemaRegistryUrl, Map.of());
  }

  /**
   * @param registrySettings schema-registry client settings (authentication, TLS)
   */
  public static IntakeFunction<ValidatedRow> tabular(
      PipelineSpec spec, String schemaRegistryUrl, Map<String, String> registrySettings) {
    return new IntakeFunction<>(spec, schemaRegistryUrl, registrySettings, Intake::tabular);
  }

  public static IntakeFunction<MediaRecord> media(PipelineSpec spec, String schemaRegistryUrl) {
    return media(spec, schemaRegistryUrl, Map.of());
  }

  /**
   * @param registrySettings schema-registry client settings (authentication, TLS)
   */
  public static IntakeFunction<MediaRecord> media(
      PipelineSpec spec, String schemaRegistryUrl, Map<String, String> registrySettings) {
    return new IntakeFunction<>(spec, schemaRegistryUrl, registrySettings, Intake::media);
  }

  @Override
  public void open(OpenContext openContext) {
    // the Confluent deserializer is not Serializable, so it is made here, on the task manager
    deserializer =
        AvroSerdes.valueDeserializer(schemaRegistryUrl, registrySettings, RawRecord.class);
    intake = factory.create(deserializer, spec);
    deadLettersByStage = new HashMap<>();
    for (String stage : DeadLetters.STAGES) {
      deadLettersByStage.put(
          stage,
          getRuntimeContext().getMetricGroup().addGroup("stage", stage).counter("deadLettered"));
    }
    accepted = getRuntimeContext().getMetricGroup().counter("accepted");
    badCellsByColumn = new HashMap<>();
    spec.columns()
        .forEach(
            (column, columnSpec) -> {
              if (columnSpec.type() == PipelineSpec.ColumnType.NUMERIC) {
                badCellsByColumn.put(
                    column,
                    getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("column", column)
                        .counter("badCells"));
              }
            });
  }

  @Override
  public void processElement(RawEnvelope envelope, Context context, Collector<T> out) {
    Outcome<T> outcome = intake.accept(envelope);
    if (outcome instanceof Outcome.Accepted<T> ok) {
      accepted.inc();
      if (ok.value() instanceof ValidatedRow row) {
        row.badCells().forEach(column -> badCellsByColumn.get(column).inc());
      }
      out.collect(ok.value());
    } else {
      Outcome.Rejected<T> rejected = (Outcome.Rejected<T>) outcome;
      deadLettersByStage.get(rejected.stage()).inc();
      context.output(DEAD_LETTERS, rejected.deadLetter(Clock.systemUTC().instant()));
    }
  }

  @Override
  public void close() {
    if (deserializer != null) {
      deserializer.close();
    }
  }
}
