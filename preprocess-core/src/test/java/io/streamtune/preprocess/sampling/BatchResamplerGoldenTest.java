package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtune.preprocess.sampling.BatchResampler.Reason;
import io.streamtune.preprocess.sampling.BatchResampler.Removal;
import io.streamtune.preprocess.sampling.BatchResampler.Result;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch resampler against imbalanced-learn 0.10 on lending_club (5% minority): the same rows
 * removed by Tomek links and edited nearest neighbours, the same class counts after over- and
 * under-sampling, and SMOTE points exactly where SMOTE may put them.
 */
class BatchResamplerGoldenTest {

  private static JsonNode expected;
  private static List<LabeledVector> input;

  @BeforeAll
  static void load() {
    expected = Golden.expected();
    input = Golden.lendingClub();
  }

  private static SamplingSpec spec(Method method) {
    return SamplingSpec.of(method);
  }

  private static List<String> removedIds(Result result) {
    return result.removed().stream().map(r -> r.row().id()).sorted().toList();
  }

  @Test
  void goldenInputIsTheImbalancedLendingClubMatrix() {
    assertThat(input).hasSize(9857);
    assertThat(input.get(0).features()).hasSize(17);
    assertThat(new Result(input, List.of()).keptCounts())
        .isEqualTo(Golden.counts(expected.get("counts")))
        .containsEntry("bad", 517L);
  }

  @Test
  void tomekLinksRemoveTheSamePairsAsImbalancedLearn() {
    Result result = BatchResampler.resample(input, spec(Method.TOMEK));

    JsonNode golden = expected.get("tomek").get("auto");
    assertThat(removedIds(result)).isEqualTo(Golden.strings(golden.get("removed"))).hasSize(152);
    Map<String, String> pairs = new HashMap<>();
    golden.get("pairs").forEach(pair -> pairs.put(pair.get(0).asText(), pair.get(1).asText()));
    for (Removal removal : result.removed()) {
      assertThat(removal.reason()).isEqualTo(Reason.TOMEK_LINK);
      assertThat(removal.row().label()).isEqualTo("good"); // 'auto' spares the minority
      assertThat(removal.neighbourIds()).containsExactly(pairs.get(removal.row().id()));
    }
    assertThat(result.kept()).hasSize(input.size() - 152);
  }

  @Test
  void editedNearestNeighboursRemoveTheSameRowsAsImbalancedLearn() {
    Result result = BatchResampler.resample(input, spec(Method.ENN));

    assertThat(removedIds(result))
        .isEqualTo(Golden.strings(expected.get("enn").get("auto").get("removed")))
        .hasSize(1237);
    assertThat(result.removed())
        .allSatisfy(
            removal -> {
              assertThat(removal.reason()).isEqualTo(Reason.EDITED_NEAREST_NEIGHBOURS);
              assertThat(removal.neighbourIds()).hasSize(3);
            });
  }

  @Test
  void smoteReachesImbalancedLearnsCountsForEveryTarget() {
    JsonNode smote = expected.get("smote");
    assertThat(BatchResampler.resample(input, spec(Method.SMOTE)).keptCounts())
        .isEqualTo(Golden.counts(smote.get("auto_k5")));
    assertThat(BatchResampler.resample(input, spec(Method.SMOTE).withTarget("1:2")).keptCounts())
        .isEqualTo(Golden.counts(smote.get("ratio_0.5_k5")));
    assertThat(
            BatchResampler.resample(
                    input,
                    spec(Method.SMOTE).withClassWeights(Map.of("good", 9340.0, "bad", 3000.0)))
                .keptCounts())
        .isEqualTo(Golden.counts(smote.get("dict_bad_3000")));
  }

  @Test
  void everySmotePointLiesOnASegmentToOneOfItsParentsKNearestMinorityNeighbours() {
    for (int k : new int[] {5, 3}) {
      SamplingSpec spec =
          new SamplingSpec(Method.SMOTE, null, null, k, null, null, null, null, 11L);
      Result result = BatchResampler.resample(input, spec);

      Map<String, LabeledVector> minority = new HashMap<>();
      input.stream().filter(r -> r.label().equals("bad")).forEach(r -> minority.put(r.id(), r));
      List<LabeledVector> synthetic =
          result.kept().stream().filter(LabeledVector::synthetic).toList();
      assertThat(synthetic).hasSize(9340 - 517);
      assertThat(result.kept().subList(0, input.size())).isEqualTo(input);
      Map<String, Set<String>> nearestCache = new HashMap<>();
      Set<String> ids = new HashSet<>();
      for (LabeledVector point : synthetic) {
        assertThat(ids.add(point.id())).isTrue();
        assertThat(point.label()).isEqualTo("bad");
        assertThat(point.parentIds()).hasSize(2);
        LabeledVector parent = minority.get(point.parentIds().get(0));
        LabeledVector neighbour = minority.get(point.parentIds().get(1));
        assertThat(parent).as("parent of " + point.id()).isNotNull();
        assertThat(point.id()).startsWith(parent.id() + "#smote-");
        Set<String> nearest =
            nearestCache.computeIfAbsent(
                parent.id(), id -> bruteForceNearest(parent, minority.values(), k));
        assertThat(nearest).contains(neighbour.id());
        assertOnSegment(point.features(), parent.features(), neighbour.features());
      }
    }
  }

  @Test
  void randomOverAndUnderSamplingHitImbalancedLearnsCounts() {
    JsonNode over = expected.get("random_over");
    JsonNode under = expected.get("random_under");

    Result overAuto = BatchResampler.resample(input, spec(Method.RANDOM_OVER));
    assertThat(overAuto.keptCounts()).isEqualTo(Golden.counts(over.get("auto")));
    assertThat(
            BatchResampler.resample(input, spec(Method.RANDOM_OVER).withTarget("1:2")).keptCounts())
        .isEqualTo(Golden.counts(over.get("ratio_0.5")));
    Map<String, LabeledVector> byId = new HashMap<>();
    input.forEach(r -> byId.put(r.id(), r));
    overAuto.kept().stream()
        .filter(LabeledVector::synthetic)
        .forEach(
            copy -> {
              LabeledVector parent = byId.get(copy.parentIds().get(0));
              assertThat(copy.features()).isEqualTo(parent.features());
              assertThat(copy.label()).isEqualTo("bad");
            });

    Result underAuto = BatchResampler.resample(input, spec(Method.RANDOM_UNDER));
    assertThat(underAuto.keptCounts()).isEqualTo(Golden.counts(under.get("auto")));
    assertThat(
            BatchResampler.resample(input, spec(Method.RANDOM_UNDER).withTarget("1:2"))
                .keptCounts())
        .isEqualTo(Golden.counts(under.get("ratio_0.5")));
    assertThat(underAuto.kept()).noneMatch(LabeledVector::synthetic).isSubsetOf(input);
    assertThat(underAuto.removed())
        .allMatch(r -> r.reason() == Reason.UNDER_SAMPLED && r.row().label().equals("good"));
  }

  @Test
  void cleaningAfterSmoteRemovesWhatImbalancedLearnRemovesFromEveryClass() {
    // imbalanced-learn's SMOTE output (balanced): SMOTETomek / SMOTEENN add nothing to it and clean
    // it with sampling_strategy='all'
    List<LabeledVector> smoteOutput = Golden.rows("smote_output_subset.csv");
    JsonNode golden = expected.get("after_smote_subset");
    assertThat(new Result(smoteOutput, List.of()).keptCounts())
        .isEqualTo(Golden.counts(golden.get("counts")));

    Result tomek = BatchResampler.resample(smoteOutput, spec(Method.SMOTE_TOMEK));
    assertThat(removedIds(tomek)).isEqualTo(Golden.strings(golden.get("tomek_all").get("removed")));
    assertThat(tomek.removed()).extracting(r -> r.row().label()).contains("good", "bad");

    Result enn = BatchResampler.resample(smoteOutput, spec(Method.SMOTE_ENN));
    assertThat(removedIds(enn))
        .isEqualTo(Golden.strings(golden.get("enn_all").get("removed")))
        .hasSize(483);
    assertThat(enn.kept()).noneMatch(LabeledVector::synthetic);
  }

  @Test
  void smoteTomekAndSmoteEnnLandNearImbalancedLearnsCounts() {
    // different random SMOTE points, so only close: within 2% of imbalanced-learn's class counts
    JsonNode golden = expected.get("combined_for_orientation");
    assertClose(
        BatchResampler.resample(input, spec(Method.SMOTE_TOMEK)).keptCounts(),
        Golden.counts(golden.get("smote_tomek")));
    assertClose(
        BatchResampler.resample(input, spec(Method.SMOTE_ENN)).keptCounts(),
        Golden.counts(golden.get("smote_enn")));
  }

  private static void assertClose(Map<String, Long> actual, Map<String, Long> reference) {
    assertThat(actual.keySet()).isEqualTo(reference.keySet());
    reference.forEach(
        (label, count) ->
            assertThat((double) actual.get(label))
                .as(label + " " + actual + " vs " + reference)
                .isBetween(count * 0.98, count * 1.02));
  }

  private static Set<String> bruteForceNearest(
      LabeledVector parent, java.util.Collection<LabeledVector> candidates, int k) {
    List<LabeledVector> others = new ArrayList<>(candidates);
    others.remove(parent);
    others.sort(Comparator.comparingDouble(o -> squaredDistance(o.features(), parent.features())));
    Set<String> nearest = new HashSet<>();
    IntStream.range(0, k).forEach(i -> nearest.add(others.get(i).id()));
    return nearest;
  }

  private static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return sum;
  }

  /** point = parent + u·(neighbour − parent) for one u in [0, 1], in every coordinate. */
  static void assertOnSegment(double[] point, double[] parent, double[] neighbour) {
    int widest = 0;
    for (int d = 0; d < parent.length; d++) {
      if (Math.abs(neighbour[d] - parent[d]) > Math.abs(neighbour[widest] - parent[widest])) {
        widest = d;
      }
    }
    double u = (point[widest] - parent[widest]) / (neighbour[widest] - parent[widest]);
    assertThat(u).isBetween(0.0, 1.0);
    for (int d = 0; d < parent.length; d++) {
      assertThat(point[d]).isCloseTo(parent[d] + u * (neighbour[d] - parent[d]), within(1e-9));
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }
}
