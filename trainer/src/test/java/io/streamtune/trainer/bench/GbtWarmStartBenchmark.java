package io.streamtune.trainer.bench;

import io.streamtune.model.gbt.GbtClassifier;
import io.streamtune.model.gbt.GbtTrainer;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * For bench/gbt_vs_sklearn.sh (not a unit test): why backbone gbt refits from scratch each round.
 * Replays the train rows of a prepared CSV in file order as a stream, a round every {@code every}
 * rows on everything seen so far (the buffer holds them all), and after each round scores the
 * holdout two ways: the ensemble gbt fits anew (what the trainer does), and one warm-started from
 * the previous round's booster with {@code extra} more iterations on the same rows. Prints per
 * round the holdout macro F1, the trees, and the share of holdout predictions unchanged from the
 * previous round (how steady consecutive versions are).
 *
 * <p>Arguments: prepared.csv spec.yaml every extra
 */
public final class GbtWarmStartBenchmark {

  private GbtWarmStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path prepared = Path.of(args[0]);
    String yaml = Files.readString(Path.of(args[1]));
    int every = Integer.parseInt(args[2]);
    int extra = Integer.parseInt(args[3]);
    PipelineSpec spec =
        PipelineSpecs.parse(yaml.replace("\ntrainer:\n", "\ntrainer:\n  backbone: gbt\n"), "bench");
    int classes = spec.label().classes().size();
    var split = GbtCreditBenchmark.read(prepared, spec.label().classes());
    GbtCreditBenchmark.Rows train = split.get("train");
    GbtCreditBenchmark.Rows holdout = split.get("holdout");
    GbtTrainer.Params params = GbtTrainer.Params.of(spec.trainer(), 1, classes);
    int iterations = params.gbt().get(io.streamtune.spec.GbtSpec.ROUNDS);

    System.out.println(
        "| round | rows | refit: macro F1 | refit: trees | refit: unchanged | warm: macro F1 |"
            + " warm: trees | warm: unchanged |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    Booster warm = null;
    int warmIterations = 0;
    int[] lastRefit = null;
    int[] lastWarm = null;
    try {
      int round = 0;
      for (int seen = every; ; seen = Math.min(seen + every, train.labels().length)) {
        float[][] rows = Arrays.copyOf(train.features(), seen);
        int[] labels = Arrays.copyOf(train.labels(), seen);
        int[] refit;
        try (GbtClassifier classifier =
            GbtTrainer.fit(rows, labels, params, round, () -> false).classifier()) {
          refit = ScoringModel.argMax(classifier.probabilities(holdout.features()));
        }
        DMatrix matrix = weighted(rows, labels, classes);
        try {
          int more = warm == null ? iterations : extra;
          warm =
              XGBoost.train(
                  matrix, params.booster(round), more, Map.of(), null, null, null, 0, warm);
          warmIterations += more;
        } finally {
          matrix.dispose();
        }
        int[] warmPredicted = predict(warm, holdout.features(), classes);
        System.out.printf(
            Locale.ROOT,
            "| %d | %d | %.4f | %d | %s | %.4f | %d | %s |%n",
            round + 1,
            seen,
            ClassificationMetrics.macroF1(holdout.labels(), refit, classes),
            iterations * (classes == 2 ? 1 : classes),
            unchanged(lastRefit, refit),
            ClassificationMetrics.macroF1(holdout.labels(), warmPredicted, classes),
            warmIterations * (classes == 2 ? 1 : classes),
            unchanged(lastWarm, warmPredicted));
        lastRefit = refit;
        lastWarm = warmPredicted;
        round++;
        if (seen == train.labels().length) {
          break;
        }
      }
    } finally {
      if (warm != null) {
        warm.dispose();
      }
    }
  }

  private static String unchanged(int[] before, int[] now) {
    if (before == null) {
      return "–";
    }
    int same = 0;
    for (int i = 0; i < now.length; i++) {
      same += before[i] == now[i] ? 1 : 0;
    }
    return String.format(Locale.ROOT, "%.1f %%", 100.0 * same / now.length);
  }

  /** The rows with the balanced class weights gbt uses by default. */
  private static DMatrix weighted(float[][] rows, int[] labels, int classes) throws Exception {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    float[] labelValues = new float[rows.length];
    long[] counts = new long[classes];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
      labelValues[i] = labels[i];
      counts[labels[i]]++;
    }
    float[] classWeights = RoundLoop.balancedClassWeights(counts);
    float[] weights = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      weights[i] = classWeights[labels[i]];
    }
    DMatrix matrix = new DMatrix(flat, rows.length, width, Float.NaN);
    matrix.setLabel(labelValues);
    matrix.setWeight(weights);
    return matrix;
  }

  private static int[] predict(Booster booster, float[][] rows, int classes) throws Exception {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    float[][] raw = booster.inplace_predict(flat, rows.length, width, Float.NaN);
    if (classes > 2) {
      return ScoringModel.argMax(raw);
    }
    int[] predicted = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      // as GbtClassifier: [1 - p, p], the lower index on a tie
      predicted[i] = raw[i][0] > 0.5f ? 1 : 0;
    }
    return predicted;
  }
}
