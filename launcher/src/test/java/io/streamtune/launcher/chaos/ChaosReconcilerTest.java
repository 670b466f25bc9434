package io.streamtune.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.launcher.chaos.ChaosReconciler.ExactlyOnce;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one exactly-once check behind "one outcome per raw record" and "one report per version". */
class ChaosReconcilerTest {

  @Test
  void missingCountsExpectedKeysNeverSeenAndExtraEverySightingBeyondOne() {
    ExactlyOnce check =
        ExactlyOnce.of(Set.of("a", "b", "c", "d"), Map.of("a", 1, "b", 3, "d", 1, "stray", 2));

    assertThat(check.missing()).as("c").isEqualTo(1);
    assertThat(check.extra()).as("b twice more, stray twice").isEqualTo(4);
  }

  @Test
  void eachExpectedKeyOnceIsClean() {
    assertThat(ExactlyOnce.of(Set.of(1, 2), Map.of(1, 1, 2, 1))).isEqualTo(new ExactlyOnce(0, 0));
    assertThat(ExactlyOnce.of(Set.of(), Map.of())).isEqualTo(new ExactlyOnce(0, 0));
  }
}
