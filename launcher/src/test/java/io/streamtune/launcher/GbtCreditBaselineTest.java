package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.model.gbt.GbtClassifier;
import io.streamtune.model.gbt.GbtTrainer;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backbone gbt on credit_data against scikit-learn's HistGradientBoostingClassifier on the same
 * split: the golden file is bench/gbt_vs_sklearn.sh's output (docs/benchmarks.md, "Gradient-boosted
 * trees (issue 18)"), whose scikit-learn side fitted the settings closest to gbt's defaults.
 */
class GbtCreditBaselineTest {

  private static final Path GOLDEN =
      Path.of("..", "bench", "results", "gbt_vs_sklearn_credit_2026-12-07.json");

  private record Rows(List<float[]> features, List<Integer> labels) {
    float[][] matrix() {
      return features.toArray(float[][]::new);
    }

    int[] labelArray() {
      return labels.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  @Test
  void gbtOnTheCreditSplitScoresAsScikitLearnsMatchedHistGradientBoosting(@TempDir Path dir)
      throws Exception {
    Path prepared = dir.resolve("prepared.csv");
    int code =
        StreamtuneCli.commandLine()
            .execute(
                "prepare",
                "--pipeline",
                EndToEndScenario.CREDIT_SPEC.toString(),
                "--input",
                Path.of("..", "data", "credit_data.csv").toString(),
                "--output",
                prepared.toString(),
                "--fit-on",
                "train");
    assertThat(code).isZero();
    PipelineSpec spec =
        PipelineSpecs.parse(
            Files.readString(EndToEndScenario.CREDIT_SPEC)
                .replace("\ntrainer:\n", "\ntrainer:\n  backbone: gbt\n"),
            "credit gbt");
    List<String> classes = spec.label().classes();
    Rows train = new Rows(new ArrayList<>(), new ArrayList<>());
    Rows holdout = new Rows(new ArrayList<>(), new ArrayList<>());
    List<String> lines = Files.readAllLines(prepared);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Rows rows = cells[1].equals("train") ? train : holdout;
      float[] features = new float[cells.length - 3];
      for (int f = 0; f < features.length; f++) {
        features[f] = Float.parseFloat(cells[f + 3]);
      }
      rows.features().add(features);
      rows.labels().add(classes.indexOf(cells[2]));
    }
    JsonNode golden = new ObjectMapper().readTree(GOLDEN.toFile());
    assertThat(train.labels()).hasSize(golden.get("train_rows").asInt());
    assertThat(holdout.labels()).hasSize(golden.get("holdout_rows").asInt());

    GbtTrainer.Fit fit =
        GbtTrainer.fit(
            train.matrix(),
            train.labelArray(),
            GbtTrainer.Params.of(spec.trainer(), 1, classes.size()),
            0,
            () -> false);
    float[][] probabilities;
    try (GbtClassifier classifier = fit.classifier()) {
      probabilities = classifier.probabilities(holdout.matrix());
    }
    int[] actual = holdout.labelArray();
    ClassificationMetrics metrics =
        ClassificationMetrics.compute(actual, ScoringModel.argMax(probabilities), classes);
    double auc = rocAuc(actual, probabilities);

    JsonNode sklearn = golden.get("results").get("sklearn_matched");
    assertThat(metrics.macroF1()).isCloseTo(sklearn.get("macro_f1").asDouble(), within(0.02));
    assertThat(metrics.accuracy()).isCloseTo(sklearn.get("accuracy").asDouble(), within(0.02));
    assertThat(auc).isCloseTo(sklearn.get("roc_auc").asDouble(), within(0.02));
    // the benchmark's own gbt run: the same code, data and seed
    JsonNode recorded = golden.get("results").get("gbt");
    assertThat(metrics.macroF1()).isCloseTo(recorded.get("macro_f1").asDouble(), within(0.005));
    assertThat(auc).isCloseTo(recorded.get("roc_auc").asDouble(), within(0.005));
  }

  /** ROC-AUC of class 1's probability: the share of (positive, negative) pairs ranked right. */
  private static double rocAuc(int[] actual, float[][] probabilities) {
    double pairs = 0;
    double right = 0;
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] != 1) {
        continue;
      }
      for (int j = 0; j < actual.length; j++) {
        if (actual[j] == 1) {
          continue;
        }
        pairs++;
        float positive = probabilities[i][1];
        float negative = probabilities[j][1];
        right += positive > negative ? 1 : positive == negative ? 0.5 : 0;
      }
    }
    return right / pairs;
  }
}
