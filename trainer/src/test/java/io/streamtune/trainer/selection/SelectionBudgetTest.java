package io.streamtune.trainer.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamtune.spec.TrainerSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionBudgetTest {

  private static Candidate candidate(String name, double cost) {
    return new Candidate(name, TrainerSpec.defaults(), "", cost);
  }

  @Test
  void candidatesRunCheapestFirst() {
    List<Candidate> sorted =
        SelectionBudget.cheapestFirst(
            List.of(candidate("slow", 0.1), candidate("fast", 0.001), candidate("mid", 0.01)));
    assertEquals(List.of("fast", "mid", "slow"), sorted.stream().map(Candidate::name).toList());
  }

  @Test
  void theEstimateIsCostTimesExamplesTimesFolds() {
    assertEquals(0.01 * 400 * 5, SelectionBudget.priorSeconds(candidate("x", 0.01), 400, 5), 1e-9);
  }

  @Test
  void aCandidateThatWouldNotFitIsSkippedWithTheReason() {
    SelectionBudget budget = new SelectionBudget(Duration.ofSeconds(60));
    assertTrue(budget.skipReason(30, 20).isEmpty());
    String reason = budget.skipReason(50, 20).orElseThrow();
    assertEquals("estimated 50 s, 40 s of the 1m budget left", reason);
    assertTrue(new SelectionBudget(null).skipReason(1e9, 1e9).isEmpty());
  }

  @Test
  void estimatesFollowHowFastTheMachineTurnedOutToBe() {
    SelectionBudget budget = new SelectionBudget(Duration.ofMinutes(10));
    assertEquals(1.0, budget.speedFactor(), 0.0);
    // the first candidate took three times its prior: a loaded machine
    budget.observed(10, 30);
    assertEquals(3.0, budget.speedFactor(), 1e-12);
    assertEquals(300, budget.estimateSeconds(100), 1e-9);
  }

  @Test
  void budgetsAreReadWithTheirUnit() {
    assertEquals(Duration.ofMinutes(10), SelectionBudget.parse("10m"));
    assertEquals(Duration.ofSeconds(90), SelectionBudget.parse("90s"));
    assertEquals(Duration.ofSeconds(90), SelectionBudget.parse("90"));
    assertEquals(Duration.ofHours(1), SelectionBudget.parse("1h"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SelectionBudget.parse("ten minutes"));
    assertTrue(e.getMessage().contains("allowed: a positive number with s, m or h"));
    assertThrows(IllegalArgumentException.class, () -> SelectionBudget.parse("0m"));
  }
}
