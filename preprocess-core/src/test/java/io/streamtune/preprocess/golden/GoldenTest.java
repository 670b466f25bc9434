package io.streamtune.preprocess.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.spec.PipelineSpec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every step against scikit-learn 1.2 on credit_data and a lending_club sample, through the batch
 * mode ({@code GoldenFlinkTest} in preprocess-job runs the same cases through the Flink operator).
 */
class GoldenTest {

  static Stream<Goldens.Case> cases() {
    return Goldens.cases();
  }

  static Stream<Goldens.Case> exactSketchCases() {
    return Goldens.cases().filter(Goldens.Case::hasExactSketch);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void batchModeMatchesScikitLearn(Goldens.Case c) {
    PipelineSpec spec = Goldens.spec(c, "");
    List<ValidatedRow> rows = Goldens.rows(c, spec);

    TabularTransform.BatchResult result = TabularTransform.prepareBatch(spec, rows, row -> true);

    Goldens.checkParameters(c, c.doc().get("checks"), result.pipeline());
    if (c.hasOutput()) {
      Goldens.checkOutput(c, c.doc().get("output"), result.outcomes(), "batch");
    }
    assertThat(result.pipeline().version()).isEqualTo(rows.size());
  }

  /** With a sketch larger than the data KLL keeps every value: outputs compare at 1e-6 too. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("exactSketchCases")
  void batchModeWithAnExactSketchMatchesTheInvertedCdfQuantiles(Goldens.Case c) {
    PipelineSpec spec = Goldens.spec(c, "  sketchK: 65535\n");
    List<ValidatedRow> rows = Goldens.rows(c, spec);

    TabularTransform.BatchResult result = TabularTransform.prepareBatch(spec, rows, row -> true);

    Goldens.checkParameters(c, c.doc().get("exact_sketch").get("checks"), result.pipeline());
    Goldens.checkOutput(
        c, c.doc().get("exact_sketch").get("output"), result.outcomes(), "exact sketch");
  }
}
