package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.sampling.BatchResampler.Result;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResampledRowsTest {

  @Test
  void keptAndRemovedRowsCarryTheirProvenance() {
    List<LabeledVector> rows =
        List.of(
            LabeledVector.original("a1", "a", new double[] {0, 0}),
            LabeledVector.original("b1", "b", new double[] {0.5, 0}),
            LabeledVector.original("a2", "a", new double[] {5, 5}),
            LabeledVector.original("a3", "a", new double[] {6, 5}),
            LabeledVector.original("b2", "b", new double[] {9, 9}));

    Result result = BatchResampler.resample(rows, SamplingSpec.of(Method.SMOTE_TOMEK));

    assertThat(ResampledRows.keptHeader("Class", List.of("x", "y")))
        .containsExactly("id", "Class", "x", "y", "synthetic", "parent_ids");
    LabeledVector synthetic = result.kept().get(result.kept().size() - 1);
    List<String> cells = ResampledRows.keptCells(synthetic);
    assertThat(cells.get(0)).isEqualTo(synthetic.id()).startsWith(synthetic.parentIds().get(0));
    assertThat(cells.get(1)).isEqualTo("b");
    assertThat(cells.get(4)).isEqualTo("true");
    assertThat(cells.get(5)).matches("b[12]\\|b[12]");
    assertThat(ResampledRows.keptCells(rows.get(2)))
        .containsExactly("a2", "a", "5.0", "5.0", "false", "");

    assertThat(ResampledRows.removedHeader("Class"))
        .containsExactly("id", "Class", "synthetic", "reason", "neighbour_ids");
    assertThat(result.removed()).isNotEmpty();
    assertThat(result.removed().stream().map(ResampledRows::removedCells))
        .contains(List.of("a1", "a", "false", "tomek_link", "b1"));
  }
}
