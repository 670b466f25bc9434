package io.streamtune.trainer.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FoldsTest {

  /** 90 of class 0, 30 of class 1, 12 of class 2, interleaved. */
  private static int[] labels() {
    int[] labels = new int[132];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i < 90 ? 0 : i < 120 ? 1 : 2;
    }
    // interleave so that class order does not follow index order
    int[] shuffled = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      shuffled[(i * 7) % labels.length] = labels[i];
    }
    return shuffled;
  }

  private static int count(int[] labels, int[] indices, int label) {
    return (int) Arrays.stream(indices).filter(i -> labels[i] == label).count();
  }

  @Test
  void kFoldScoresEveryExampleExactlyOnceAndNeverTrainsOnIt() {
    int[] labels = labels();
    List<Folds.Fold> folds = Folds.kFold(labels, 3, 4, 7L);
    assertEquals(4, folds.size());
    int[] timesScored = new int[labels.length];
    for (Folds.Fold fold : folds) {
      Set<Integer> train = new HashSet<>();
      Arrays.stream(fold.train()).forEach(train::add);
      for (int i : fold.scored()) {
        timesScored[i]++;
        assertTrue(!train.contains(i), "example " + i + " is both trained on and scored");
      }
      assertEquals(labels.length, fold.train().length + fold.scored().length);
    }
    assertTrue(Arrays.stream(timesScored).allMatch(t -> t == 1));
  }

  @Test
  void kFoldIsStratified() {
    int[] labels = labels();
    for (Folds.Fold fold : Folds.kFold(labels, 3, 4, 7L)) {
      // 90/30/12 over 4 folds: 22-23, 7-8 and 3 per fold
      int zeros = count(labels, fold.scored(), 0);
      int ones = count(labels, fold.scored(), 1);
      int twos = count(labels, fold.scored(), 2);
      assertTrue(zeros == 22 || zeros == 23, "class 0 in a fold: " + zeros);
      assertTrue(ones == 7 || ones == 8, "class 1 in a fold: " + ones);
      assertEquals(3, twos);
    }
  }

  @Test
  void holdoutIsStratifiedDisjointAndComplete() {
    int[] labels = labels();
    Folds.Fold fold = Folds.holdout(labels, 3, 0.2, 1L);
    assertEquals(18, count(labels, fold.scored(), 0));
    assertEquals(6, count(labels, fold.scored(), 1));
    assertEquals(2, count(labels, fold.scored(), 2));
    int[] all =
        IntStream.concat(Arrays.stream(fold.train()), Arrays.stream(fold.scored()))
            .sorted()
            .toArray();
    assertArrayEquals(IntStream.range(0, labels.length).toArray(), all);
  }

  @Test
  void theSeedDecidesTheFolds() {
    int[] labels = labels();
    assertArrayEquals(
        Folds.kFold(labels, 3, 3, 5L).get(0).scored(),
        Folds.kFold(labels, 3, 3, 5L).get(0).scored());
    assertTrue(
        !Arrays.equals(
            Folds.kFold(labels, 3, 3, 5L).get(0).scored(),
            Folds.kFold(labels, 3, 3, 6L).get(0).scored()));
  }

  @Test
  void planUsesKFoldForSmallDataAndAHoldoutForLargeData() {
    int[] small = new int[Folds.K_FOLD_MAX_EXAMPLES];
    int[] large = new int[Folds.K_FOLD_MAX_EXAMPLES + 1];
    for (int i = 0; i < large.length; i++) {
      large[i] = i % 2;
      if (i < small.length) {
        small[i] = i % 2;
      }
    }
    assertEquals(Folds.DEFAULT_FOLDS, Folds.plan(small, 2, 0, 1L).size());
    List<Folds.Fold> holdout = Folds.plan(large, 2, 0, 1L);
    assertEquals(1, holdout.size());
    assertEquals(Math.round(large.length * Folds.HOLDOUT_SHARE), holdout.get(0).scored().length, 1);
    assertEquals(3, Folds.plan(large, 2, 3, 1L).size());
    assertEquals(1, Folds.plan(small, 2, 1, 1L).size());
  }

  @Test
  void aClassSmallerThanTheFoldsIsRefusedWithTheReason() {
    int[] labels = {0, 0, 0, 0, 0, 0, 1, 1};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Folds.kFold(labels, 2, 3, 1L));
    assertTrue(e.getMessage().contains("has 2 examples, fewer than the 3 folds"), e.getMessage());
  }
}
