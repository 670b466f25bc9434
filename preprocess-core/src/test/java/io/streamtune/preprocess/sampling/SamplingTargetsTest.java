package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplingTargetsTest {

  private static final List<String> CLASSES = List.of("a", "b", "c");

  private static SamplingTargets targets(SamplingSpec spec) {
    return new SamplingTargets(spec, CLASSES);
  }

  @Test
  void autoRaisesToTheMajorityAndLowersToTheMinority() {
    SamplingTargets auto = targets(SamplingSpec.of(Method.SMOTE));

    assertThat(auto.overSampling(new long[] {100, 7, 30})).containsExactly(100, 100, 100);
    assertThat(auto.underSampling(new long[] {100, 7, 30})).containsExactly(7, 7, 7);
  }

  @Test
  void aRatioIsImbalancedLearnsFloatStrategy() {
    SamplingTargets half = targets(SamplingSpec.of(Method.SMOTE).withTarget("1:2"));

    // over: int(n_majority * 0.5 - n) new ones; a class already above stays
    assertThat(half.overSampling(new long[] {9340, 517, 0})).containsExactly(9340, 4670, 0);
    assertThat(half.overSampling(new long[] {100, 80, 0})).containsExactly(100, 80, 0);
    // under: int(n_minority / 0.5) of every other class
    assertThat(half.underSampling(new long[] {9340, 517, 0})).containsExactly(1034, 517, 0);
    assertThat(
            targets(SamplingSpec.of(Method.SMOTE).withTarget("1:3"))
                .overSampling(new long[] {10, 1, 0}))
        .containsExactly(10, 3, 0);
  }

  @Test
  void classWeightsScaleFromTheClassThatLimits() {
    SamplingSpec weighted =
        SamplingSpec.of(Method.RANDOM_OVER).withClassWeights(Map.of("a", 2.0, "b", 1.0, "c", 1.0));

    // over: the class furthest above its share sets the scale; nothing shrinks
    assertThat(targets(weighted).overSampling(new long[] {100, 10, 80}))
        .containsExactly(160, 80, 80);
    // under: the class furthest below its share sets the scale; nothing grows
    assertThat(targets(weighted).underSampling(new long[] {100, 10, 80}))
        .containsExactly(20, 10, 10);
  }

  @Test
  void absentClassesAreIgnoredAndASingleClassIsLeftAlone() {
    SamplingTargets auto = targets(SamplingSpec.of(Method.RANDOM_UNDER));

    assertThat(auto.underSampling(new long[] {50, 0, 20})).containsExactly(20, 0, 20);
    assertThat(auto.underSampling(new long[] {50, 0, 0})).containsExactly(50, 0, 0);
    assertThat(auto.overSampling(new long[] {0, 0, 3})).containsExactly(0, 0, 3);
    assertThat(SamplingTargets.majority(new long[] {5, 9, 9})).isEqualTo(1);
    assertThat(SamplingTargets.minority(new long[] {5, 0, 5})).isEqualTo(0);
    assertThat(SamplingTargets.minority(new long[] {0, 0, 0})).isEqualTo(-1);
  }
}
