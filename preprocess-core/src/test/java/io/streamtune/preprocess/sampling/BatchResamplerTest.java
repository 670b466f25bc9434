package io.streamtune.preprocess.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.sampling.BatchResampler.Reason;
import io.streamtune.preprocess.sampling.BatchResampler.Result;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchResamplerTest {

  /** Three classes in two dimensions: a around (0,0), b around (3,0), c around (0,3). */
  static List<LabeledVector> threeClasses(int a, int b, int c, long seed) {
    Random random = new Random(seed);
    List<LabeledVector> rows = new ArrayList<>();
    int[] sizes = {a, b, c};
    double[][] centres = {{0, 0}, {3, 0}, {0, 3}};
    String[] labels = {"a", "b", "c"};
    int id = 0;
    for (int round = 0; round < a + b + c; round++) {
      int cls = round % 3;
      if (sizes[cls]-- <= 0) {
        continue;
      }
      double[] x = {
        centres[cls][0] + random.nextGaussian(), centres[cls][1] + random.nextGaussian()
      };
      rows.add(LabeledVector.original("r" + id++, labels[cls], x));
    }
    for (int cls = 0; cls < 3; cls++) {
      while (sizes[cls]-- > 0) {
        double[] x = {
          centres[cls][0] + random.nextGaussian(), centres[cls][1] + random.nextGaussian()
        };
        rows.add(LabeledVector.original("r" + id++, labels[cls], x));
      }
    }
    return rows;
  }

  @Test
  void noneKeepsEverythingAsIs() {
    List<LabeledVector> rows = threeClasses(50, 5, 10, 1);

    Result result = BatchResampler.resample(rows, SamplingSpec.defaults());

    assertThat(result.kept()).isEqualTo(rows);
    assertThat(result.removed()).isEmpty();
  }

  @Test
  void theSameSeedGivesTheSameOutputAndAnotherSeedAnother() {
    List<LabeledVector> rows = threeClasses(200, 20, 40, 2);
    for (Method method : Method.values()) {
      SamplingSpec spec = SamplingSpec.of(method);
      Result first = BatchResampler.resample(rows, spec);
      Result again = BatchResampler.resample(rows, spec);
      assertThat(again).as(method.toString()).isEqualTo(first);
    }
    Result smote = BatchResampler.resample(rows, SamplingSpec.of(Method.SMOTE));
    Result otherSeed = BatchResampler.resample(rows, SamplingSpec.of(Method.SMOTE).withSeed(7));
    assertThat(otherSeed.keptCounts()).isEqualTo(smote.keptCounts());
    assertThat(otherSeed.kept()).isNotEqualTo(smote.kept());
  }

  @Test
  void multiClassOverSamplingRaisesEveryClassToTheMajority() {
    List<LabeledVector> rows = threeClasses(120, 9, 30, 3);

    Result result = BatchResampler.resample(rows, SamplingSpec.of(Method.SMOTE));

    assertThat(result.keptCounts())
        .containsExactly(Map.entry("a", 120L), Map.entry("b", 120L), Map.entry("c", 120L));
    List<LabeledVector> synthetic =
        result.kept().stream().filter(LabeledVector::synthetic).toList();
    assertThat(synthetic).hasSize(111 + 90);
    // synthetic rows follow the originals, class by class, numbered in order
    assertThat(result.kept().subList(0, rows.size())).isEqualTo(rows);
    assertThat(synthetic.get(0).label()).isEqualTo("b");
    assertThat(synthetic.get(0).id()).endsWith("#smote-1");
    assertThat(synthetic.get(synthetic.size() - 1).label()).isEqualTo("c");
    assertThat(synthetic.get(synthetic.size() - 1).id()).endsWith("#smote-201");
    assertThat(synthetic.get(0).sourceId()).isEqualTo(synthetic.get(0).parentIds().get(0));
  }

  @Test
  void smoteWithFewerRowsThanNeighboursUsesAllOthers() {
    List<LabeledVector> rows = new ArrayList<>(threeClasses(30, 0, 0, 4));
    rows.add(LabeledVector.original("m1", "m", new double[] {10, 10}));
    rows.add(LabeledVector.original("m2", "m", new double[] {12, 10}));

    Result result = BatchResampler.resample(rows, SamplingSpec.of(Method.SMOTE));

    List<LabeledVector> synthetic =
        result.kept().stream().filter(LabeledVector::synthetic).toList();
    assertThat(synthetic).hasSize(28);
    for (LabeledVector point : synthetic) {
      assertThat(point.features()[1]).isEqualTo(10.0);
      assertThat(point.features()[0]).isBetween(10.0, 12.0);
    }
  }

  @Test
  void smoteCannotGrowAClassOfOneRow() {
    List<LabeledVector> rows = new ArrayList<>(threeClasses(10, 0, 0, 5));
    rows.add(LabeledVector.original("alone", "m", new double[] {1, 1}));

    assertThatThrownBy(() -> BatchResampler.resample(rows, SamplingSpec.of(Method.SMOTE)))
        .hasMessageContaining("at least two rows of class 'm'");
    // a random copy needs only one
    assertThat(
            BatchResampler.resample(rows, SamplingSpec.of(Method.RANDOM_OVER))
                .keptCounts()
                .get("m"))
        .isEqualTo(10L);
  }

  @Test
  void underSamplingWithClassWeightsKeepsTheAskedShares() {
    List<LabeledVector> rows = threeClasses(300, 40, 90, 6);
    SamplingSpec spec =
        SamplingSpec.of(Method.RANDOM_UNDER).withClassWeights(Map.of("a", 3.0, "b", 1.0, "c", 1.5));

    Result result = BatchResampler.resample(rows, spec);

    assertThat(result.keptCounts())
        .containsExactly(Map.entry("a", 120L), Map.entry("b", 40L), Map.entry("c", 60L));
    assertThat(result.removed())
        .hasSize(430 - 220)
        .allMatch(r -> r.reason() == Reason.UNDER_SAMPLED);
  }

  @Test
  void cleaningAloneSparesTheMinorityAndAfterSmoteCleansEveryClass() {
    List<LabeledVector> rows = new ArrayList<>();
    // two tight cross-class pairs: (a1, b1) and (a2, b2); b is the minority
    rows.add(LabeledVector.original("a1", "a", new double[] {0, 0}));
    rows.add(LabeledVector.original("b1", "b", new double[] {0.1, 0}));
    rows.add(LabeledVector.original("a2", "a", new double[] {5, 5}));
    rows.add(LabeledVector.original("b2", "b", new double[] {5.1, 5}));
    rows.add(LabeledVector.original("a3", "a", new double[] {-3, 0}));
    rows.add(LabeledVector.original("a4", "a", new double[] {-3, 1}));

    Result tomek = BatchResampler.resample(rows, SamplingSpec.of(Method.TOMEK));
    assertThat(tomek.removed()).extracting(r -> r.row().id()).containsExactly("a1", "a2");
    assertThat(tomek.removed().get(0).neighbourIds()).containsExactly("b1");

    SamplingSpec balanced = SamplingSpec.of(Method.SMOTE_TOMEK).withTarget("1:2");
    Result smoteTomek = BatchResampler.resample(rows, balanced);
    assertThat(smoteTomek.removed()).extracting(r -> r.row().label()).contains("a", "b");
  }

  @Test
  void badInputIsRejectedWithTheRow() {
    List<LabeledVector> ragged =
        List.of(
            LabeledVector.original("x", "a", new double[] {1, 2}),
            LabeledVector.original("y", "b", new double[] {1}));
    assertThatThrownBy(() -> BatchResampler.resample(ragged, SamplingSpec.of(Method.TOMEK)))
        .hasMessageContaining("row 'y' has 1 features, expected 2");

    List<LabeledVector> nan = List.of(LabeledVector.original("x", "a", new double[] {Double.NaN}));
    assertThatThrownBy(() -> BatchResampler.resample(nan, SamplingSpec.of(Method.TOMEK)))
        .hasMessageContaining("row 'x' has a non-finite feature");

    List<LabeledVector> twice =
        List.of(
            LabeledVector.original("x", "a", new double[] {1}),
            LabeledVector.original("x", "b", new double[] {2}));
    assertThatThrownBy(() -> BatchResampler.resample(twice, SamplingSpec.of(Method.TOMEK)))
        .hasMessageContaining("id 'x' occurs more than once");

    assertThat(BatchResampler.resample(List.of(), SamplingSpec.of(Method.SMOTE_ENN)).kept())
        .isEmpty();
  }
}
