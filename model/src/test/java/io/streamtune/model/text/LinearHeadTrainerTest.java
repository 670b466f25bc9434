package io.streamtune.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.model.metrics.ClassificationMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearHeadTrainerTest {

  /** Three Gaussian blobs in {@code dims} dimensions; the first two dimensions carry the class. */
  static float[][] blobs(int n, int dims, long seed, int[] labels) {
    Random random = new Random(seed);
    float[][] x = new float[n][dims];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int d = 0; d < dims; d++) {
        x[i][d] = (float) random.nextGaussian();
      }
      x[i][0] += labels[i] == 1 ? 4 : 0;
      x[i][1] += labels[i] == 2 ? 4 : 0;
    }
    return x;
  }

  static List<SparseVector> toSparse(float[][] dense) {
    List<SparseVector> rows = new ArrayList<>();
    for (float[] row : dense) {
      int[] indices = new int[row.length];
      for (int j = 0; j < row.length; j++) {
        indices[j] = j;
      }
      rows.add(new SparseVector(indices, row.clone()));
    }
    return rows;
  }

  @Test
  void theGradientMatchesFiniteDifferences() {
    int[] labels = new int[30];
    float[][] x = blobs(30, 4, 1, labels);
    LinearHeadTrainer.Objective objective =
        new LinearHeadTrainer.Objective(FeatureRows.dense(x), labels, 3, 0.3);
    Random random = new Random(2);
    double[] theta = new double[objective.parameters()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = random.nextGaussian() * 0.5;
    }
    double[] gradient = new double[theta.length];
    objective.evaluate(theta, gradient);

    double[] scratch = new double[theta.length];
    for (int i = 0; i < theta.length; i++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += 1e-6;
      minus[i] -= 1e-6;
      double numeric =
          (objective.evaluate(plus, scratch) - objective.evaluate(minus, scratch)) / 2e-6;
      assertThat(gradient[i]).as("parameter %d", i).isCloseTo(numeric, within(1e-6));
    }
  }

  @Test
  void learnsSeparableBlobsAndIsDeterministic() {
    int[] labels = new int[300];
    FeatureRows train = FeatureRows.dense(blobs(300, 10, 1, labels));
    int[] testLabels = new int[300];
    FeatureRows test = FeatureRows.dense(blobs(300, 10, 2, testLabels));
    LinearHeadTrainer trainer = new LinearHeadTrainer(LinearHeadTrainer.Options.defaults(7));

    LinearHeadTrainer.Result result = trainer.fit(train, labels, 3);
    LinearHeadTrainer.Result again = trainer.fit(train, labels, 3);

    assertThat(ClassificationMetrics.macroF1(testLabels, result.head().predict(test), 3))
        .isGreaterThan(0.95);
    assertThat(again.head()).isEqualTo(result.head());
    assertThat(result.grid()).hasSize(13);
    double bestValidation =
        result.grid().stream()
            .mapToDouble(LinearHeadTrainer.GridPoint::validationMacroF1)
            .max()
            .orElseThrow();
    LinearHeadTrainer.GridPoint chosen =
        result.grid().stream().filter(p -> p.l2() == result.l2()).findFirst().orElseThrow();
    assertThat(chosen.validationMacroF1()).isEqualTo(bestValidation);
  }

  @Test
  void strongerPenaltyGivesSmallerWeights() {
    int[] labels = new int[120];
    FeatureRows rows = FeatureRows.dense(blobs(120, 5, 3, labels));
    double previous = Double.MAX_VALUE;
    for (double l2 : new double[] {1e-4, 1e-2, 1}) {
      LinearHead head =
          new LinearHeadTrainer(LinearHeadTrainer.Options.fixed(l2, 1)).fit(rows, labels, 3).head();
      double norm = 0;
      for (double w : head.weights()) {
        norm += w * w;
      }
      assertThat(norm).isLessThan(previous);
      previous = norm;
    }
  }

  @Test
  void tuningBeatsAnUnderRegularisedFitOnNoisyHighDimensionalData() {
    // 60 examples in 30 dimensions, 10 of which carry a weak class signal; every 6th label flipped
    int dims = 30;
    Random random = new Random(11);
    int[] labels = new int[60];
    float[][] x = noisy(labels, dims, random);
    for (int i = 0; i < labels.length; i += 6) {
      labels[i] = 1 - labels[i];
    }
    int[] testLabels = new int[2000];
    float[][] testX = noisy(testLabels, dims, random);
    FeatureRows train = FeatureRows.dense(x);
    FeatureRows test = FeatureRows.dense(testX);

    LinearHeadTrainer.Result tuned =
        new LinearHeadTrainer(LinearHeadTrainer.Options.defaults(5)).fit(train, labels, 2);
    LinearHead loose =
        new LinearHeadTrainer(LinearHeadTrainer.Options.fixed(1e-6, 5))
            .fit(train, labels, 2)
            .head();

    double tunedF1 = ClassificationMetrics.macroF1(testLabels, tuned.head().predict(test), 2);
    double looseF1 = ClassificationMetrics.macroF1(testLabels, loose.predict(test), 2);
    System.out.printf("tuned l2 %.0e F1 %.3f, l2 1e-6 F1 %.3f%n", tuned.l2(), tunedF1, looseF1);
    assertThat(tuned.l2()).isGreaterThan(1e-6);
    assertThat(tunedF1).isGreaterThan(looseF1 + 0.03);
  }

  private static float[][] noisy(int[] labels, int dims, Random random) {
    float[][] x = new float[labels.length][dims];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 2;
      for (int d = 0; d < dims; d++) {
        x[i][d] = (float) random.nextGaussian();
      }
      for (int d = 0; d < 10; d++) {
        x[i][d] += labels[i] == 1 ? 0.5f : -0.5f;
      }
    }
    return x;
  }

  @Test
  void sparseAndDenseRowsOfTheSameDataGiveTheSameHead() {
    int[] labels = new int[90];
    float[][] x = blobs(90, 6, 4, labels);
    LinearHeadTrainer trainer = new LinearHeadTrainer(LinearHeadTrainer.Options.defaults(3));

    LinearHeadTrainer.Result dense = trainer.fit(FeatureRows.dense(x), labels, 3);
    LinearHeadTrainer.Result sparse = trainer.fit(FeatureRows.sparse(toSparse(x), 6), labels, 3);

    assertThat(sparse.l2()).isEqualTo(dense.l2());
    assertThat(sparse.head().weights()).containsExactly(dense.head().weights(), within(1e-9));
  }

  @Test
  void aWarmStartReachesTheSameOptimumInFewerIterations() {
    int[] labels = new int[150];
    FeatureRows rows = FeatureRows.dense(blobs(150, 8, 5, labels));
    LinearHeadTrainer trainer = new LinearHeadTrainer(LinearHeadTrainer.Options.fixed(1e-2, 1));
    LinearHeadTrainer.Result cold = trainer.fit(rows, labels, 3);

    LinearHeadTrainer.Result warm = trainer.fit(rows, labels, 3, cold.head());

    assertThat(warm.grid().get(0).iterations()).isLessThan(cold.grid().get(0).iterations());
    assertThat(warm.head().weights()).containsExactly(cold.head().weights(), within(1e-3));
  }

  @Test
  void aHeadWritesAndReadsBackEqual() throws Exception {
    int[] labels = new int[60];
    FeatureRows rows = FeatureRows.dense(blobs(60, 3, 6, labels));
    LinearHead head =
        new LinearHeadTrainer(LinearHeadTrainer.Options.fixed(1e-2, 1)).fit(rows, labels, 3).head();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    head.write(out);

    LinearHead read = LinearHead.read(new ByteArrayInputStream(out.toByteArray()));

    assertThat(read).isEqualTo(head);
    double[] p = read.probabilities(new float[] {0, 0, 0});
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void badInputIsRejectedWithAReason() {
    LinearHeadTrainer trainer = new LinearHeadTrainer(LinearHeadTrainer.Options.defaults(1));
    FeatureRows rows = FeatureRows.dense(new float[][] {{1}, {2}});

    assertThatThrownBy(() -> trainer.fit(rows, new int[] {0, 2}, 2))
        .hasMessageContaining("label 2 outside 0..1");
    assertThatThrownBy(() -> trainer.fit(rows, new int[] {0}, 2))
        .hasMessageContaining("2 rows but 1 labels");
    assertThatThrownBy(() -> trainer.fit(rows, new int[] {0, 1}, 2, LinearHead.zeros(2, 5)))
        .hasMessageContaining("reads 5 features");
    assertThatThrownBy(() -> new LinearHeadTrainer.Options(List.of(0.0), 0.2, 10, 1e-4, 1))
        .hasMessageContaining("l2Grid");
    assertThatThrownBy(
            () -> FeatureRows.sparse(List.of(new SparseVector(new int[] {9}, new float[] {1})), 5))
        .hasMessageContaining("outside 0..4");
  }
}
