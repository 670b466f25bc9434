package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SplitMix64Test {

  @Test
  void sameSeedSameSequenceAndTheStateResumesIt() {
    SplitMix64 a = new SplitMix64(42);
    SplitMix64 b = new SplitMix64(42);
    for (int i = 0; i < 10; i++) {
      assertThat(a.nextLong()).isEqualTo(b.nextLong());
    }
    SplitMix64 resumed = new SplitMix64(a.state());
    assertThat(resumed.nextDouble()).isEqualTo(a.nextDouble());
    assertThat(new SplitMix64(43).nextLong()).isNotEqualTo(new SplitMix64(42).nextLong());
  }

  @Test
  void boundedDrawsAreInRangeAndRoughlyUniform() {
    SplitMix64 random = new SplitMix64(1);
    int[] histogram = new int[7];
    for (int i = 0; i < 70_000; i++) {
      histogram[random.nextInt(7)]++;
      double u = random.nextDouble();
      assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
    }
    for (int count : histogram) {
      assertThat(count).isBetween(9_500, 10_500);
    }
    assertThatThrownBy(() -> random.nextLong(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
