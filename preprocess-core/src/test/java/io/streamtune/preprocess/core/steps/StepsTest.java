package io.streamtune.preprocess.core.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.StepSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepsTest {

  /** A step the parser accepts but the registry lacks would only fail when a spec used it. */
  @Test
  void everyKindOfStepTheSpecParsesHasAnImplementation() {
    assertThat(StepSpec.TYPES).hasSize(StepSpec.NAMES.size()).allMatch(Steps::implemented);
  }

  @Test
  void eachStepIsBuiltForTheFrameItReceives() {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - impute: {strategy: most_frequent}
                - oneHot: {}
                - select: {drop: [Age]}
            """);
    List<List<Feature>> frames = spec.preprocess().frames(spec.columns(), "test");
    Frame frame = Frame.ofWidth(3);
    frame.numbers[0] = 10;
    frame.numbers[1] = 30;
    frame.numbers[2] = Double.NaN;
    frame.texts[2] = "rent";
    for (int i = 0; i < spec.preprocess().steps().size(); i++) {
      Step step = Steps.create(spec, spec.preprocess().steps().get(i), i, frames.get(i));
      frame = step.transform(frame);
      assertThat(frame.width()).as("step %d", i).isEqualTo(frames.get(i + 1).size());
    }
    // Income, then Home one-hot (owner, rent, unseen): Age was dropped
    assertThat(frame.numbers).containsExactly(10, 0, 1, 0);
  }
}
