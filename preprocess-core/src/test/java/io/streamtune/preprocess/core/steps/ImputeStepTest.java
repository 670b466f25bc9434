package io.streamtune.preprocess.core.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.PreprocessSpec.ImputeStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** most_frequent with bounded counts: exact under the capacity, a Space-Saving summary beyond. */
class ImputeStepTest {

  private static ImputeStep numeric(int maxDistinct) {
    return new ImputeStep(
        ImputeStrategy.MOST_FREQUENT,
        new int[] {0},
        List.of(new Feature("x", ColumnType.NUMERIC)),
        List.of(List.of()),
        null,
        200,
        1,
        0L,
        maxDistinct);
  }

  private static ImputeStep categorical(List<String> categories, int maxDistinct) {
    return new ImputeStep(
        ImputeStrategy.MOST_FREQUENT,
        new int[] {0},
        List.of(new Feature("home", ColumnType.CATEGORICAL)),
        List.of(categories),
        null,
        200,
        1,
        0L,
        maxDistinct);
  }

  private static void fit(ImputeStep step, double x) {
    Frame frame = Frame.ofWidth(1);
    frame.numbers[0] = x;
    step.fit(frame, 0);
  }

  private static double fill(ImputeStep step) {
    Frame frame = Frame.ofWidth(1);
    frame.numbers[0] = Double.NaN;
    return step.transform(frame).numbers[0];
  }

  private static ObjectNode saved(ImputeStep step) {
    ObjectNode node = Json.object();
    step.save(node);
    return node;
  }

  /** The algorithm before the bound, verbatim: exact counts, ties to the smallest value. */
  private static final class ExactMode {
    final Map<Double, Long> counts = new HashMap<>();
    double mode;
    long modeCount;
    double fill;

    void add(double x) {
      long count = counts.merge(x == 0.0 ? 0.0 : x, 1L, Long::sum);
      if (count > modeCount || (count == modeCount && x < mode)) {
        modeCount = count;
        mode = x;
        fill = x;
      }
    }
  }

  @Test
  void aMillionDistinctDoublesKeepAtMostTheCapacityAndStillFindTheFrequentValue() {
    int capacity = 10_000;
    ImputeStep step = numeric(capacity);
    Random random = new Random(11);
    long rows = 0;
    for (int i = 0; i < 1_000_000; i++) {
      fit(step, i + random.nextDouble()); // every one distinct
      rows++;
      if (i % 19 == 0) {
        fit(step, 42.5); // 1 row in 20: 5%
        rows++;
      }
      if (i % 100_000 == 0) {
        assertThat(step.keptValues(0)).isLessThanOrEqualTo(capacity);
      }
    }
    assertThat(rows).isGreaterThan(1_000_000);
    assertThat(step.keptValues(0)).isEqualTo(capacity);
    assertThat(fill(step)).isEqualTo(42.5);
    assertThat(saved(step).get("counts").get(0).size()).isEqualTo(capacity);
    assertThat(saved(step).get("errors").get(0).isObject()).isTrue();
  }

  @Test
  void underTheCapacityTheResultIsBitIdenticalToExactCounting() {
    for (long seed = 0; seed < 20; seed++) {
      Random random = new Random(seed);
      int distinct = 1 + random.nextInt(60);
      // capacity exactly the number of distinct values (0.0 and -0.0 count as one)
      ImputeStep step = numeric(distinct);
      ExactMode exact = new ExactMode();
      for (int row = 0; row < 2_000; row++) {
        int k = random.nextInt(distinct);
        double x = k == 0 ? (random.nextBoolean() ? 0.0 : -0.0) : k * 0.25 - 3;
        fit(step, x);
        exact.add(x);
        assertThat(Double.doubleToRawLongBits(fill(step)))
            .as("seed %d row %d", seed, row)
            .isEqualTo(Double.doubleToRawLongBits(exact.fill));
      }
      ObjectNode expected = Json.object();
      exact.counts.forEach((value, count) -> expected.put(Double.toString(value), count));
      assertThat(saved(step).get("counts").get(0)).isEqualTo(expected);
      assertThat(saved(step).has("errors")).isFalse();
    }
  }

  @Test
  void tiesGoToTheSmallestValue() {
    ImputeStep step = numeric(10);
    for (double x : new double[] {3, 1, 2, 3, 2, 1}) {
      fit(step, x);
    }
    assertThat(fill(step)).isEqualTo(1.0);
    ImputeStep text = categorical(List.of("rent", "owner", "castle"), 10);
    for (String x : new String[] {"rent", "owner", "owner", "rent", "castle"}) {
      Frame frame = Frame.ofWidth(1);
      frame.texts[0] = x;
      text.fit(frame, 0);
    }
    assertThat(text.transform(Frame.ofWidth(1)).texts[0]).isEqualTo("owner");
  }

  @Test
  void aSummarizedStateSavesLoadsAndContinuesIdentically() {
    ImputeStep original = numeric(100);
    Random random = new Random(5);
    for (int i = 0; i < 20_000; i++) {
      fit(original, i % 10 == 0 ? 7.0 : random.nextInt(5_000));
    }
    ObjectNode state = saved(original);
    assertThat(state.get("errors").get(0).isObject()).isTrue();
    ImputeStep restored = numeric(100);
    restored.load(state);
    assertThat(saved(restored)).isEqualTo(state);
    for (int i = 0; i < 5_000; i++) {
      double x = i % 9 == 0 ? 3.0 : random.nextInt(5_000);
      fit(original, x);
      fit(restored, x);
    }
    assertThat(saved(restored)).isEqualTo(saved(original));
    assertThat(fill(restored)).isEqualTo(fill(original)).isEqualTo(7.0);
  }

  @Test
  void oldExactCountsStillLoadAndAreCutToTheCapacity() throws Exception {
    JsonNode old =
        Json.MAPPER.readTree(
            "{\"columns\":[\"x\"],\"fill\":[2.0],"
                + "\"counts\":[{\"1.0\":3,\"2.0\":9,\"3.0\":4,\"4.0\":1,\"5.0\":2}]}");
    ImputeStep exact = numeric(10_000);
    exact.load(old);
    assertThat(exact.keptValues(0)).isEqualTo(5);
    assertThat(Json.MAPPER.readTree(saved(exact).get("counts").toString()))
        .isEqualTo(old.get("counts"));
    assertThat(saved(exact).has("errors")).isFalse();

    ImputeStep bounded = numeric(3);
    bounded.load(old);
    assertThat(bounded.keptValues(0)).isEqualTo(3);
    List<String> kept = new ArrayList<>();
    saved(bounded).get("counts").get(0).fieldNames().forEachRemaining(kept::add);
    assertThat(kept).containsExactlyInAnyOrder("1.0", "2.0", "3.0");
    assertThat(fill(bounded)).isEqualTo(2.0);
    fit(bounded, 2.0);
    fit(bounded, 6.0); // evicts the smallest count (1.0: 3), starting 6.0 at 4
    assertThat(saved(bounded).get("counts").get(0).get("6.0").asLong()).isEqualTo(4);
    assertThat(saved(bounded).get("errors").get(0).get("6.0").asLong()).isEqualTo(3);
    assertThat(fill(bounded)).isEqualTo(2.0);
  }
}
