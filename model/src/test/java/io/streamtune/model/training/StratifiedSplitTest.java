package io.streamtune.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {

  // class 0: 10 rows, class 1: 4 rows, class 2: absent, class 3: 1 row
  private static final int[] LABELS = {0, 1, 0, 0, 3, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0};

  @Test
  void eachClassHoldsWhatItsCountAsksForAndThePartsAreAscendingAndCoverEveryRow() {
    int[][] parts = StratifiedSplit.split(LABELS, 4, new Random(3), rows -> rows / 2);
    int[] train = parts[0];
    int[] held = parts[1];
    assertThat(held).hasSize(5 + 2); // half of class 0's 10, half of class 1's 4, none of 1 row
    assertThat(train).hasSize(LABELS.length - held.length).isSorted();
    assertThat(held).isSorted();
    assertThat(Arrays.stream(held).filter(r -> LABELS[r] == 0)).hasSize(5);
    assertThat(Arrays.stream(held).filter(r -> LABELS[r] == 1)).hasSize(2);
    int[] all =
        java.util.stream.IntStream.concat(Arrays.stream(train), Arrays.stream(held))
            .sorted()
            .toArray();
    assertThat(all).containsExactly(java.util.stream.IntStream.range(0, LABELS.length).toArray());
  }

  @Test
  void theSameSeedDrawsTheSameRowsAndTheShuffleIsCollectionsShuffles() {
    int[][] once = StratifiedSplit.split(LABELS, 4, new Random(11), rows -> rows / 3);
    int[][] again = StratifiedSplit.split(LABELS, 4, new Random(11), rows -> rows / 3);
    assertThat(again).isDeepEqualTo(once);

    int[][] byClass = StratifiedSplit.shuffledByClass(LABELS, 4, new Random(5));
    Random reference = new Random(5);
    for (int c = 0; c < 4; c++) {
      final int label = c;
      java.util.List<Integer> rows =
          new java.util.ArrayList<>(
              java.util.stream.IntStream.range(0, LABELS.length)
                  .filter(r -> LABELS[r] == label)
                  .boxed()
                  .toList());
      java.util.Collections.shuffle(rows, reference);
      assertThat(byClass[c]).containsExactly(rows.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  @Test
  void aLabelOutsideTheClassesAndACountThatRefusesAClassAreErrors() {
    assertThatThrownBy(() -> StratifiedSplit.split(new int[] {0, 2}, 2, new Random(1), n -> 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label index 2 outside [0, 2)");
    assertThatThrownBy(
            () ->
                StratifiedSplit.split(
                    LABELS,
                    4,
                    new Random(1),
                    n -> {
                      if (n == 1) {
                        throw new IllegalArgumentException("too few");
                      }
                      return 0;
                    }))
        .hasMessage("too few");
  }
}
