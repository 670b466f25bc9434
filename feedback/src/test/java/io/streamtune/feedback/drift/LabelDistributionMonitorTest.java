package io.streamtune.feedback.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelDistributionMonitorTest {

  @Test
  void psiOfKnownDistributions() {
    // p = (0.8, 0.2), q = (0.5, 0.5): (0.5-0.8)ln(0.5/0.8) + (0.5-0.2)ln(0.5/0.2)
    double expected = -0.3 * Math.log(0.5 / 0.8) + 0.3 * Math.log(0.5 / 0.2);
    assertThat(LabelDistributionMonitor.psi(Map.of("a", 80L, "b", 20L), Map.of("a", 50L, "b", 50L)))
        .isCloseTo(expected, within(1e-12));
    // a class missing on one side is floored at 1e-4
    double missing = (0.5 - 1e-4) * Math.log(0.5 / 1e-4) + (0.5 - 1.0) * Math.log(0.5 / 1.0);
    assertThat(LabelDistributionMonitor.psi(Map.of("a", 10L), Map.of("a", 5L, "b", 5L)))
        .isCloseTo(missing, within(1e-12));
  }

  @Test
  void aShiftOfTheClassPriorsIsDetectedOnceAndStableLabelsAreNot() {
    LabelDistributionMonitor monitor = new LabelDistributionMonitor(500, 0.2);
    Random random = new Random(3);
    List<Detection> detections = new ArrayList<>();
    List<Long> at = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      double yes = i < 2_000 ? 0.2 : 0.6;
      Optional<Detection> d = monitor.add(random.nextDouble() < yes ? "yes" : "no");
      d.ifPresent(detections::add);
      d.ifPresent(x -> at.add(monitor.labels()));
    }
    assertThat(detections).hasSize(1);
    Detection d = detections.get(0);
    System.out.printf(
        "label drift 20%% → 60%% 'yes' at label 2000: detected at %d, %s%n", at.get(0), d.reason());
    assertThat(d.detector()).isEqualTo("label-distribution");
    assertThat(d.statistic()).isGreaterThan(0.2);
    assertThat(d.windowTo()).isBetween(2_001L, 2_500L);
    assertThat(d.windowFrom()).isEqualTo(d.windowTo() - 499);
    assertThat(d.reason())
        .contains("PSI", "between labels 1-500 and", "most changed: 'no' 81.0% → 61.0%");
  }

  @Test
  void stateRoundTripChangesNothing() {
    LabelDistributionMonitor straight = new LabelDistributionMonitor(50, 0.2);
    LabelDistributionMonitor restored = new LabelDistributionMonitor(50, 0.2);
    Random random = new Random(8);
    for (int i = 0; i < 1_000; i++) {
      String label = random.nextDouble() < (i < 500 ? 0.1 : 0.7) ? "a" : "b";
      restored = LabelDistributionMonitor.restore(50, 0.2, restored.state());
      assertThat(restored.add(label)).isEqualTo(straight.add(label));
    }
  }
}
