package io.streamtune.preprocess.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.core.PreparedRow;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.flink.TabularTransformOperator;
import io.streamtune.schemas.avro.Example;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden cases of preprocess-core's {@code GoldenTest} through the Flink operator, whose
 * warm-up fits exactly like the batch mode.
 */
class GoldenFlinkTest {

  static Stream<Goldens.Case> cases() {
    return Goldens.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void flinkOperatorMatchesScikitLearn(Goldens.Case c) throws Exception {
    PipelineSpec base = Goldens.spec(c, "");
    List<ValidatedRow> rows = Goldens.rows(c, base);
    PipelineSpec spec = Goldens.spec(c, "  warmup: " + rows.size() + "\n");
    TabularTransformOperator function = new TabularTransformOperator(spec);

    List<Example> examples;
    try (var harness = new OneInputStreamOperatorTestHarness<>(function)) {
      harness.open();
      for (ValidatedRow row : rows) {
        harness.processElement(row, row.eventTimeMillis());
      }
      harness.endInput();
      examples = harness.extractOutputValues();
    }

    assertThat(examples).hasSize(rows.size());
    assertThat(examples).allMatch(e -> e.getTransformVersion() == rows.size());
    Goldens.checkParameters(c, c.doc().get("checks"), function.pipeline());
    if (c.hasOutput()) {
      List<Outcome<PreparedRow>> outcomes = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        float[] features = new float[examples.get(i).getFeatures().size()];
        for (int j = 0; j < features.length; j++) {
          features[j] = examples.get(i).getFeatures().get(j);
        }
        outcomes.add(Outcome.accepted(new PreparedRow(rows.get(i), features, rows.size())));
      }
      Goldens.checkOutput(c, c.doc().get("output"), outcomes, "flink");
    }
  }

  /**
   * Without a warm-up the operator fits row by row; a single fitted step on data without missing
   * values then ends with exactly scikit-learn's parameters.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void streamingFitEndsWithScikitLearnsParameters(Goldens.Case c) throws Exception {
    Assumptions.assumeTrue(
        c.dataset().equals("lending_club")
            && List.of("standard_scaler", "minmax_scaler", "zscore_clip", "impute_mean_onehot")
                .contains(c.name()));
    PipelineSpec spec = Goldens.spec(c, "");
    TabularTransformOperator function = new TabularTransformOperator(spec);
    try (var harness = new OneInputStreamOperatorTestHarness<>(function)) {
      harness.open();
      for (ValidatedRow row : Goldens.rows(c, spec)) {
        harness.processElement(row, row.eventTimeMillis());
      }
      harness.endInput();
      Goldens.checkParameters(c, c.doc().get("checks"), function.pipeline());
    }
  }
}
