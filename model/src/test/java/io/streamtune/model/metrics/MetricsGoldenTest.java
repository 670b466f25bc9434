package io.streamtune.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.model.scoring.ScoringModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every metric against scikit-learn 1.2.1 on fixed predictions and probabilities: the golden files
 * under src/test/resources/metrics-golden are written by src/test/python/metrics_golden.py (see
 * there how to rerun it), which also says how each case was drawn.
 */
class MetricsGoldenTest {

  private static final Offset<Double> TIGHT = within(1e-12);

  private record Case(JsonNode json, int classes, int[] actual, float[][] probabilities) {}

  private static Case read(String name) throws IOException {
    try (InputStream in =
        MetricsGoldenTest.class.getResourceAsStream("/metrics-golden/" + name + ".json")) {
      assertThat(in).as("golden file %s", name).isNotNull();
      JsonNode json = new ObjectMapper().readTree(in);
      assertThat(json.get("sklearn").asText()).startsWith("1.2.");
      int classes = json.get("classes").asInt();
      JsonNode rows = json.get("probabilities");
      int[] actual = new int[rows.size()];
      float[][] probabilities = new float[rows.size()][classes];
      for (int i = 0; i < rows.size(); i++) {
        actual[i] = json.get("actual").get(i).asInt();
        for (int k = 0; k < classes; k++) {
          double value = rows.get(i).get(k).asDouble();
          probabilities[i][k] = (float) value;
          assertThat((double) probabilities[i][k]).as("a float32 value").isEqualTo(value);
        }
      }
      return new Case(json, classes, actual, probabilities);
    }
  }

  private static List<String> labels(int classes) {
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      labels.add("c" + k);
    }
    return labels;
  }

  /** A golden number, or NaN where sklearn's is undefined (written as null). */
  private static double number(JsonNode node) {
    return node == null || node.isNull() ? Double.NaN : node.asDouble();
  }

  private static void assertSame(double actual, JsonNode expected, String what) {
    double golden = number(expected);
    if (Double.isNaN(golden)) {
      assertThat(actual).as(what + " (undefined)").isNaN();
    } else {
      assertThat(actual).as(what).isCloseTo(golden, TIGHT);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"binary", "multiclass", "absent-from-predictions", "absent-from-actual", "ties"})
  void classificationMetricsMatchSklearn(String name) throws IOException {
    Case golden = read(name);
    JsonNode json = golden.json();
    int[] predicted = ScoringModel.argMax(golden.probabilities());
    for (int i = 0; i < predicted.length; i++) {
      assertThat(predicted[i])
          .as("argmax of row %d", i)
          .isEqualTo(json.get("predicted").get(i).asInt());
    }

    ClassificationMetrics m =
        ClassificationMetrics.compute(golden.actual(), predicted, labels(golden.classes()));

    assertSame(m.accuracy(), json.get("accuracy"), "accuracy");
    assertSame(m.balancedAccuracy(), json.get("balancedAccuracy"), "balanced accuracy");
    for (int k = 0; k < golden.classes(); k++) {
      ClassificationMetrics.ClassScore score = m.perClass().get(k);
      assertSame(score.precision(), json.get("precision").get(k), "precision of " + k);
      assertSame(score.recall(), json.get("recall").get(k), "recall of " + k);
      assertSame(score.f1(), json.get("f1").get(k), "f1 of " + k);
      assertThat(score.support()).isEqualTo(json.get("support").get(k).asLong());
      for (int j = 0; j < golden.classes(); j++) {
        assertThat(m.confusionMatrix()[k][j])
            .isEqualTo(json.get("confusionMatrix").get(k).get(j).asLong());
      }
    }
    assertSame(m.macroPrecision(), json.get("macroPrecision"), "macro precision");
    assertSame(m.macroRecall(), json.get("macroRecall"), "macro recall");
    assertSame(m.macroF1(), json.get("macroF1"), "macro F1");
    assertSame(
        ClassificationMetrics.macroF1(golden.actual(), predicted, golden.classes()),
        json.get("macroF1"),
        "macro F1 alone");
    assertSame(m.weightedPrecision(), json.get("weightedPrecision"), "weighted precision");
    assertSame(m.weightedRecall(), json.get("weightedRecall"), "weighted recall");
    assertSame(m.weightedF1(), json.get("weightedF1"), "weighted F1");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"binary", "multiclass", "absent-from-predictions", "absent-from-actual", "ties"})
  void probabilityMetricsMatchSklearn(String name) throws IOException {
    Case golden = read(name);
    JsonNode json = golden.json();

    ProbabilityMetrics m =
        ProbabilityMetrics.compute(golden.actual(), golden.probabilities(), golden.classes());

    assertSame(m.logLoss(), json.get("logLoss"), "log loss");
    assertSame(m.brierScore(), json.get("brier"), "Brier score");
    if (golden.classes() == 2) {
      // the multi-class definition is twice sklearn's binary brier_score_loss when the rows sum
      // to 1; float32 rows do only to about 1e-7
      assertThat(m.brierScore())
          .isCloseTo(2 * number(json.get("sklearnBinaryBrier")), within(1e-6))
          .isNotCloseTo(number(json.get("sklearnBinaryBrier")), within(1e-3));
    }
    for (int k = 0; k < golden.classes(); k++) {
      assertSame(m.rocAuc(k), json.get("rocAuc").get(k), "ROC-AUC of " + k);
      assertSame(m.averagePrecision(k), json.get("averagePrecision").get(k), "AP of " + k);
    }
    assertSame(m.macroRocAuc(), json.get("macroRocAuc"), "macro ROC-AUC");
    assertSame(m.macroAveragePrecision(), json.get("macroAveragePrecision"), "macro AP");
    if (!json.get("sklearnOvrMacroRocAuc").isNull()) {
      // every class present: equal to sklearn's own multi-class one-vs-rest average
      assertSame(m.macroRocAuc(), json.get("sklearnOvrMacroRocAuc"), "sklearn OvR macro ROC-AUC");
    }
    assertSame(m.expectedCalibrationError(), json.get("expectedCalibrationError"), "ECE");
  }
}
