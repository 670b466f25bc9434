package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.TestSpecs.tabular;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.Intake;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.spec.PipelineSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad input, from the bytes on the topic to the pipeline's outcome: a dead letter with
 * its stage and reason, or the documented handling (a column missing everywhere is imputed like
 * scikit-learn's keep_empty_features).
 */
class BadInputTest {

  private static final String REGISTRY = "mock://bad-input-test";

  /** Intake (decode + validate) and then the pipeline, as the job runs them. */
  private static List<Object> process(PipelineSpec spec, List<RawRecord> records) {
    Intake<ValidatedRow> intake =
        Intake.tabular(AvroSerdes.valueDeserializer(REGISTRY, RawRecord.class), spec);
    TabularTransform pipeline = TabularTransform.create(spec);
    List<Object> results = new ArrayList<>();
    try (Serializer<RawRecord> serializer = AvroSerdes.valueSerializer(REGISTRY)) {
      long offset = 0;
      for (RawRecord record : records) {
        RawEnvelope envelope =
            new RawEnvelope("raw", 0, offset++, null, serializer.serialize("raw", record));
        Outcome<ValidatedRow> outcome = intake.accept(envelope);
        if (outcome instanceof Outcome.Rejected<ValidatedRow> rejected) {
          results.add(rejected.deadLetter(Instant.EPOCH));
          continue;
        }
        ValidatedRow row =
            ((Outcome.Accepted<ValidatedRow>) outcome).value().withSplit(Split.TRAIN);
        for (Outcome<PreparedRow> each : pipeline.accept(row)) {
          results.add(
              each instanceof Outcome.Rejected<PreparedRow> r
                  ? r.deadLetter(Instant.EPOCH)
                  : ((Outcome.Accepted<PreparedRow>) each).value());
        }
      }
    }
    return results;
  }

  private static DeadLetter deadLetter(Object result) {
    assertThat(result).isInstanceOf(DeadLetter.class);
    return (DeadLetter) result;
  }

  @Test
  void nanAndInfinitiesAreDeadLettered() {
    List<Object> results =
        process(
            TestSpecs.credit(),
            List.of(
                tabular("nan", "good", "Income", Double.NaN),
                tabular("inf", "good", "Income", Double.POSITIVE_INFINITY),
                tabular("minf", "good", "Age", Double.NEGATIVE_INFINITY),
                tabular("text-nan", "good", "Age", "NaN")));

    assertThat(deadLetter(results.get(0)).getReason())
        .isEqualTo("column 'Income': NaN is not a finite number");
    assertThat(deadLetter(results.get(1)).getReason())
        .isEqualTo("column 'Income': Infinity is not a finite number");
    assertThat(deadLetter(results.get(2)).getReason())
        .isEqualTo("column 'Age': -Infinity is not a finite number");
    assertThat(deadLetter(results.get(3)).getReason())
        .isEqualTo("column 'Age': 'NaN' is not a number");
    assertThat(results).allMatch(r -> ((DeadLetter) r).getStage().equals("validate"));
    assertThat(deadLetter(results.get(1)).getOffset()).isEqualTo(1);
  }

  @Test
  void aStringInANumericColumnIsDeadLettered() {
    List<Object> results =
        process(TestSpecs.credit(), List.of(tabular("s", "good", "Income", "12k")));

    assertThat(deadLetter(results.get(0)).getReason())
        .isEqualTo("column 'Income': '12k' is not a number");
    assertThat(deadLetter(results.get(0)).getOriginalValue()).isNotNull();
  }

  @Test
  void anUnknownColumnIsDeadLettered() {
    List<Object> results =
        process(TestSpecs.credit(), List.of(tabular("u", "good", "Income", 1.0, "Colour", "red")));

    assertThat(deadLetter(results.get(0)).getReason()).isEqualTo("unknown column 'Colour'");
  }

  @Test
  void aColumnMissingEverywhereIsImputedWithZeroAndTheFirstCategory() {
    List<Object> results =
        process(
            TestSpecs.credit(),
            List.of(
                tabular("a", "good", "Income", 10.0),
                tabular("b", "good", "Income", 30.0),
                tabular("c", "bad", "Income", 20.0)));

    assertThat(results).allMatch(PreparedRow.class::isInstance);
    // Age never has a value: imputed 0, scaled with the no-data std of 1; Home: first category
    assertThat(((PreparedRow) results.get(2)).features()).containsExactly(0f, 0f, 1f, 0f, 0f);
  }

  @Test
  void aColumnNoStepImputesIsDeadLetteredNamingTheFeature() {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - impute: {strategy: mean, columns: [Income]}
                - oneHot: {}
            """);
    List<Object> results = process(spec, List.of(tabular("a", "good", "Income", 1.0)));

    DeadLetter letter = deadLetter(results.get(0));
    assertThat(letter.getStage()).isEqualTo("transform");
    assertThat(letter.getReason())
        .isEqualTo("feature 'Age' is missing after preprocess.steps (add an impute step for it)");
    assertThat(letter.getRecordId()).isEqualTo("a");
    assertThat(letter.getOriginalValue()).isNotNull();
  }

  @Test
  void anUnknownCategoryWithoutTheUnseenSlotIsDeadLettered() {
    List<Object> results =
        process(
            TestSpecs.credit(TestSpecs.STRICT_ONE_HOT),
            List.of(tabular("x", "good", "Home", "castle")));

    assertThat(deadLetter(results.get(0)).getReason())
        .isEqualTo("column 'Home': unknown category 'castle'; expected one of [owner, rent]");
  }
}
