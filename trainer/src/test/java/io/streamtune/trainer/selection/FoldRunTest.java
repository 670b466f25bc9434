package io.streamtune.trainer.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.spec.EvaluatorSpec;
import org.junit.jupiter.api.Test;

class FoldRunTest {

  @Test
  void aCandidatesFoldsTogetherScoreAsManyExamplesAloneAsTheEvaluatorDoes() {
    assertThat(FoldRun.LATENCY_SAMPLES)
        .isEqualTo(EvaluatorSpec.LATENCY_SAMPLES.defaultValue())
        .isEqualTo(100);
    assertThat(FoldRun.latencySamplesPerFold(1)).isEqualTo(100); // the holdout
    assertThat(FoldRun.latencySamplesPerFold(5)).isEqualTo(20);
    // rounded up: 3 x 34 = 102, never fewer than 100
    assertThat(FoldRun.latencySamplesPerFold(3)).isEqualTo(34);
  }
}
