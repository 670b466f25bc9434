package io.streamtune.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.model.metrics.ClassificationMetrics.ClassScore;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Golden cases computed by hand from the confusion matrices written out below; each also agrees
 * with scikit-learn 1.2.1's {@code precision_recall_fscore_support(labels=range(L),
 * zero_division=0)}, {@code confusion_matrix} and a most_frequent {@code DummyClassifier} (checked
 * once with Debian's python3-sklearn; not a build dependency).
 */
class ClassificationMetricsTest {

  private static final Offset<Double> EXACT = within(1e-12);

  @Test
  void threeClassCaseMatchesHandComputedClassificationReport() {
    // confusion (rows actual, cols predicted): [[2,1,0],[1,3,0],[0,1,2]]
    int[] actual = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    int[] predicted = {0, 0, 1, 1, 1, 1, 0, 2, 1, 2};

    ClassificationMetrics m =
        ClassificationMetrics.compute(actual, predicted, List.of("cat", "dog", "bird"));

    assertThat(m.confusionMatrix()).isEqualTo(new long[][] {{2, 1, 0}, {1, 3, 0}, {0, 1, 2}});
    assertThat(m.size()).isEqualTo(10);
    assertThat(m.accuracy()).isCloseTo(7.0 / 10, EXACT);
    assertClass(m.perClass().get(0), "cat", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
    assertClass(m.perClass().get(1), "dog", 3.0 / 5, 3.0 / 4, 2.0 / 3, 4); // 2*.6*.75/1.35
    assertClass(m.perClass().get(2), "bird", 1.0, 2.0 / 3, 0.8, 3); // 2*(2/3)/(5/3)
    assertThat(m.macroPrecision()).isCloseTo((2.0 / 3 + 0.6 + 1.0) / 3, EXACT); // 0.755556
    assertThat(m.macroRecall()).isCloseTo((2.0 / 3 + 0.75 + 2.0 / 3) / 3, EXACT); // 0.694444
    assertThat(m.macroF1()).isCloseTo((2.0 / 3 + 2.0 / 3 + 0.8) / 3, EXACT); // 0.711111
    assertThat(m.macroF1()).isCloseTo(0.711111, within(1e-6)); // sklearn, rounded
    // majority class "dog" (4 of 10): precision 0.4, recall 1, F1 0.8/1.4; other classes 0
    assertThat(m.majorityClass()).isEqualTo(1);
    assertThat(m.majorityBaselineMacroF1()).isCloseTo((0.8 / 1.4) / 3, EXACT); // 0.190476
  }

  @Test
  void neverPredictedClassAndClassAbsentFromActualScoreZeroAndCountInTheMacroAverage() {
    // c occurs once but is never predicted; d never occurs but is predicted once.
    // confusion: [[1,1,0,0],[1,2,0,0],[0,0,0,1],[0,0,0,0]]
    int[] actual = {0, 0, 1, 1, 1, 2};
    int[] predicted = {0, 1, 1, 1, 0, 3};

    ClassificationMetrics m =
        ClassificationMetrics.compute(actual, predicted, List.of("a", "b", "c", "d"));

    assertThat(m.accuracy()).isCloseTo(0.5, EXACT);
    assertClass(m.perClass().get(0), "a", 0.5, 0.5, 0.5, 2);
    assertClass(m.perClass().get(1), "b", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
    // never predicted: precision 0/0 -> 0 (zero_division=0), recall 0/1
    assertClass(m.perClass().get(2), "c", 0, 0, 0, 1);
    // absent from actual: precision 0/1, recall 0/0 -> 0, support 0
    assertClass(m.perClass().get(3), "d", 0, 0, 0, 0);
    // unweighted mean over all four labels, the zero rows included
    double macro = (0.5 + 2.0 / 3) / 4; // 0.291667
    assertThat(m.macroPrecision()).isCloseTo(macro, EXACT);
    assertThat(m.macroRecall()).isCloseTo(macro, EXACT);
    assertThat(m.macroF1()).isCloseTo(macro, EXACT);
    // majority "b" (3 of 6): precision 0.5, recall 1, F1 2/3, averaged over 4 labels
    assertThat(m.majorityBaselineMacroF1()).isCloseTo((2.0 / 3) / 4, EXACT); // 0.166667
  }

  @Test
  void labelNeitherActualNorPredictedStillCountsAsZeroAndMajorityTiesGoToLowestIndex() {
    int[] actual = {0, 1, 0, 1};
    int[] predicted = {0, 1, 1, 1};

    ClassificationMetrics m =
        ClassificationMetrics.compute(actual, predicted, List.of("x", "y", "z"));

    assertThat(m.accuracy()).isCloseTo(0.75, EXACT);
    assertClass(m.perClass().get(0), "x", 1.0, 0.5, 2.0 / 3, 2);
    assertClass(m.perClass().get(1), "y", 2.0 / 3, 1.0, 0.8, 2);
    assertClass(m.perClass().get(2), "z", 0, 0, 0, 0);
    assertThat(m.macroPrecision()).isCloseTo((1 + 2.0 / 3) / 3, EXACT); // 0.555556
    assertThat(m.macroRecall()).isCloseTo(0.5, EXACT);
    assertThat(m.macroF1()).isCloseTo((2.0 / 3 + 0.8) / 3, EXACT); // 0.488889
    assertThat(m.majorityClass()).isZero(); // x and y both have 2
    assertThat(m.majorityBaselineMacroF1()).isCloseTo((2.0 / 3) / 3, EXACT); // 0.222222
  }

  @Test
  void perfectPredictionsScoreOneAndBeatTheBaseline() {
    int[] labels = {0, 1, 1, 0, 1};
    ClassificationMetrics m = ClassificationMetrics.compute(labels, labels, List.of("no", "yes"));

    assertThat(m.accuracy()).isEqualTo(1.0);
    assertThat(m.macroF1()).isEqualTo(1.0);
    // always "yes" (3 of 5): precision 0.6, recall 1, F1 0.75; "no" 0
    assertThat(m.majorityBaselineMacroF1()).isCloseTo(0.75 / 2, EXACT);
  }

  @Test
  void alwaysPredictingTheMajorityScoresExactlyTheBaseline() {
    int[] actual = {0, 1, 1, 2, 1, 0, 1};
    int[] predicted = {1, 1, 1, 1, 1, 1, 1};
    ClassificationMetrics m =
        ClassificationMetrics.compute(actual, predicted, List.of("a", "b", "c"));

    assertThat(m.macroF1()).isCloseTo(m.majorityBaselineMacroF1(), EXACT);
    assertThat(m.majorityClass()).isEqualTo(1);
  }

  @Test
  void macroF1AloneIsTheReportsMacroF1ToTheLastBit() {
    assertThat(ClassificationMetrics.macroF1(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1}, 2))
        .isCloseTo((2.0 / 3 + 0.8) / 2, EXACT);
    // class 2 appears nowhere: it scores 0 and still counts (the trainer's validation grid ranks
    // by the number the evaluator gates on)
    assertThat(ClassificationMetrics.macroF1(new int[] {0, 1}, new int[] {0, 1}, 3))
        .isCloseTo(2.0 / 3, EXACT);
    // class 1 is only predicted: scores 0
    assertThat(ClassificationMetrics.macroF1(new int[] {0, 0}, new int[] {0, 1}, 2))
        .isCloseTo((2.0 / 3) / 2, EXACT);
    int[] actual = {0, 0, 2, 1, 1, 1, 1, 2, 2, 2, 0, 1, 3};
    int[] predicted = {0, 2, 1, 1, 1, 1, 0, 2, 1, 2, 0, 3, 3};
    assertThat(ClassificationMetrics.macroF1(actual, predicted, 4))
        .isEqualTo(
            ClassificationMetrics.compute(actual, predicted, List.of("a", "b", "c", "d"))
                .macroF1());
    assertThatThrownBy(() -> ClassificationMetrics.macroF1(new int[] {0}, new int[] {1}, 1))
        .hasMessageContaining("predicted[0] = 1");
    assertThatThrownBy(() -> ClassificationMetrics.macroF1(new int[0], new int[0], 2))
        .hasMessageContaining("zero examples");
  }

  @Test
  void confusionMatrixIsADefensiveCopy() {
    ClassificationMetrics m =
        ClassificationMetrics.compute(new int[] {0, 1}, new int[] {0, 0}, List.of("a", "b"));
    m.confusionMatrix()[0][0] = 99;
    assertThat(m.confusionMatrix()[0][0]).isEqualTo(1);
  }

  @Test
  void rejectsMismatchedLengthsEmptyInputAndUnknownClassIndexes() {
    List<String> labels = List.of("a", "b");
    assertThatThrownBy(() -> ClassificationMetrics.compute(new int[] {0}, new int[] {0, 1}, labels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length");
    assertThatThrownBy(() -> ClassificationMetrics.compute(new int[0], new int[0], labels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero examples");
    assertThatThrownBy(() -> ClassificationMetrics.compute(new int[] {0}, new int[] {2}, labels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("predicted[0] = 2");
    assertThatThrownBy(() -> ClassificationMetrics.compute(new int[] {-1}, new int[] {0}, labels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("actual[0] = -1");
  }

  private static void assertClass(
      ClassScore score, String label, double precision, double recall, double f1, long support) {
    assertThat(score.label()).isEqualTo(label);
    assertThat(score.precision()).as(label + " precision").isCloseTo(precision, EXACT);
    assertThat(score.recall()).as(label + " recall").isCloseTo(recall, EXACT);
    assertThat(score.f1()).as(label + " f1").isCloseTo(f1, EXACT);
    assertThat(score.support()).as(label + " support").isEqualTo(support);
  }
}
