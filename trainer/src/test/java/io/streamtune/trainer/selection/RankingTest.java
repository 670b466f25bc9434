package io.streamtune.trainer.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamtune.model.metrics.ClassificationMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTest {

  private static final List<String> LABELS = List.of("a", "b");

  /** 400 examples, half of each class. */
  private static int[] actual() {
    int[] actual = new int[400];
    for (int i = 0; i < actual.length; i++) {
      actual[i] = i % 2;
    }
    return actual;
  }

  /** The actual classes with the first {@code wrong} examples flipped. */
  private static int[] withErrors(int[] actual, int wrong) {
    int[] predicted = actual.clone();
    for (int i = 0; i < wrong; i++) {
      predicted[i] = 1 - predicted[i];
    }
    return predicted;
  }

  @Test
  void ranksByMacroF1AndTestsEachAgainstTheBest() {
    int[] actual = actual();
    // given worst first: the ranking must not depend on the order given
    List<Ranking.Scored> scored =
        List.of(
            new Ranking.Scored("poor", withErrors(actual, 120)),
            new Ranking.Scored("close", withErrors(actual, 42)),
            new Ranking.Scored("good", withErrors(actual, 40)));
    List<Ranking.Row> rows = Ranking.rank(actual, LABELS, scored, Ranking.Settings.defaults(3L));
    assertEquals(List.of("good", "close", "poor"), rows.stream().map(Ranking.Row::name).toList());
    assertEquals(List.of(1, 2, 3), rows.stream().map(Ranking.Row::rank).toList());

    Ranking.Row best = rows.get(0);
    assertNull(best.versusBest());
    assertFalse(best.significantlyWorse());
    assertEquals(
        ClassificationMetrics.macroF1(actual, withErrors(actual, 40), 2), best.macroF1(), 1e-12);
    assertTrue(best.macroF1Interval().low() < best.macroF1());
    assertTrue(best.macroF1Interval().high() > best.macroF1());

    // 2 more errors in 400: within the noise of the examples
    Ranking.Row close = rows.get(1);
    assertTrue(close.versusBest().difference() < 0);
    assertTrue(close.versusBest().pValue() > 0.05, "p = " + close.versusBest().pValue());
    assertFalse(close.significantlyWorse());

    // 80 more errors in 400: far beyond it
    Ranking.Row poor = rows.get(2);
    assertTrue(poor.versusBest().pValue() < 0.05, "p = " + poor.versusBest().pValue());
    assertTrue(poor.significantlyWorse());
    assertEquals(
        ClassificationMetrics.macroF1(actual, withErrors(actual, 120), 2)
            - ClassificationMetrics.macroF1(actual, withErrors(actual, 40), 2),
        poor.versusBest().difference(),
        1e-12);
  }

  @Test
  void aTieKeepsTheOrderGivenSoTheCheaperCandidateWins() {
    int[] actual = actual();
    List<Ranking.Row> rows =
        Ranking.rank(
            actual,
            LABELS,
            List.of(
                new Ranking.Scored("cheap", withErrors(actual, 10)),
                new Ranking.Scored("costly", withErrors(actual, 10))),
            Ranking.Settings.defaults(3L));
    assertEquals("cheap", rows.get(0).name());
    assertEquals(0.0, rows.get(1).versusBest().difference(), 0.0);
    assertFalse(rows.get(1).significantlyWorse());
  }

  @Test
  void noCandidatesGiveAnEmptyRanking() {
    assertTrue(Ranking.rank(actual(), LABELS, List.of(), Ranking.Settings.defaults(1L)).isEmpty());
  }
}
