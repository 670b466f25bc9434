package io.streamtune.preprocess.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.preprocess.core.steps.Frame;
import io.streamtune.preprocess.core.steps.Json;
import io.streamtune.spec.PreprocessSpec.ImputeStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Series keys are bounded: the least recently seen one is forgotten and starts anew. */
class SeriesImputerTest {

  private long seq;

  private static SeriesImputer imputer(ImputeStrategy strategy, int maxKeys) {
    // column 0: the key (text), column 1: the value (numeric)
    return new SeriesImputer(
        strategy, new int[] {1}, new boolean[] {true}, 0, false, 1000, maxKeys);
  }

  private RowInFlight row(String key, double value) {
    Frame frame = Frame.ofWidth(2);
    frame.texts[0] = key;
    frame.numbers[1] = value;
    return new RowInFlight(null, frame, true, ++seq);
  }

  private double ffill(SeriesImputer imputer, String key) {
    List<RowInFlight> out = imputer.accept(row(key, Double.NaN));
    assertThat(out).hasSize(1);
    return out.get(0).frame.numbers[1];
  }

  @Test
  void theLeastRecentlySeenKeyIsForgottenAndStartsAnewWhenItReturns() {
    SeriesImputer imputer = imputer(ImputeStrategy.FFILL, 3);
    imputer.accept(row("a", 1));
    imputer.accept(row("b", 2));
    imputer.accept(row("c", 3));
    imputer.accept(row("a", 10)); // a is now the most recent: b is the least recent
    imputer.accept(row("d", 4)); // forgets b
    assertThat(imputer.keys()).isEqualTo(3);
    assertThat(ffill(imputer, "a")).isEqualTo(10.0);
    assertThat(ffill(imputer, "b")).isNaN(); // a new series, no earlier value; forgets c
    assertThat(ffill(imputer, "c")).isNaN(); // forgotten by b's return; forgets d
    assertThat(ffill(imputer, "a")).isEqualTo(10.0);
    assertThat(imputer.keys()).isEqualTo(3);
  }

  @Test
  void withCapacityThreeKeysABCDForgetA() {
    SeriesImputer imputer = imputer(ImputeStrategy.FFILL, 3);
    for (String key : new String[] {"a", "b", "c", "d"}) {
      imputer.accept(row(key, key.charAt(0)));
    }
    assertThat(imputer.keys()).isEqualTo(3);
    assertThat(ffill(imputer, "d")).isEqualTo((double) 'd');
    assertThat(ffill(imputer, "c")).isEqualTo((double) 'c');
    assertThat(ffill(imputer, "a")).isNaN(); // forgotten: behaves as a new key
  }

  @Test
  void aMillionDistinctKeysStayWithinTheCapacity() {
    SeriesImputer imputer = imputer(ImputeStrategy.FFILL, 1_000);
    for (int i = 0; i < 1_000_000; i++) {
      imputer.accept(row("k" + i, i));
      if (i % 100_000 == 0) {
        assertThat(imputer.keys()).isLessThanOrEqualTo(1_000);
      }
    }
    assertThat(imputer.keys()).isEqualTo(1_000);
    assertThat(ffill(imputer, "k999999")).isEqualTo(999_999.0);
  }

  @Test
  void aForgottenKeysHeldRowsLeaveWithItsLastValue() {
    SeriesImputer imputer = imputer(ImputeStrategy.INTERPOLATE, 2);
    imputer.accept(row("a", 1));
    assertThat(imputer.accept(row("a", Double.NaN))).isEmpty(); // held for a's next value
    imputer.accept(row("b", 2));
    assertThat(imputer.waiting()).isEqualTo(1);
    List<RowInFlight> out = imputer.accept(row("c", 3)); // forgets a
    assertThat(imputer.waiting()).isZero();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).frame.texts[0]).isEqualTo("a");
    assertThat(out.get(0).frame.numbers[1]).isEqualTo(1.0);
    assertThat(out.get(1).frame.numbers[1]).isEqualTo(3.0);
  }

  @Test
  void savedKeysKeepTheirRecencyAndAreCutToTheCapacityOnLoad() {
    SeriesImputer imputer = imputer(ImputeStrategy.FFILL, 3);
    imputer.accept(row("a", 1));
    imputer.accept(row("b", 2));
    imputer.accept(row("c", 3));
    imputer.accept(row("a", 4)); // recency: b, c, a
    ObjectNode state = Json.object();
    imputer.save(state, item -> null);

    SeriesImputer smaller = imputer(ImputeStrategy.FFILL, 2);
    smaller.load(state, node -> null);
    assertThat(smaller.keys()).isEqualTo(2);
    assertThat(ffill(smaller, "a")).isEqualTo(4.0);
    assertThat(ffill(smaller, "c")).isEqualTo(3.0);
    assertThat(ffill(smaller, "b")).isNaN();
  }
}
