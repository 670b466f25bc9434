package io.streamtune.preprocess.core.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcaGramTest {

  /**
   * The sparse path (one-hot-like columns) and the dense path give the centred Gram matrix of a
   * plain two-pass computation, also with a large-mean dense column and an all-zero column.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 37, 595})
  void centredGramEqualsTheTwoPassDefinition(int n) {
    int d = 23;
    Random random = new Random(n);
    List<double[]> batch = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      double[] row = new double[d];
      for (int j = 0; j < d; j++) {
        if (j < 4) {
          row[j] = random.nextGaussian();
        } else if (j == 4) {
          row[j] = 1e6 + random.nextGaussian();
        } else if (j == 5) {
          row[j] = 0;
        } else {
          // one-hot slots of three categorical columns
          row[j] = random.nextInt(6) == j % 6 ? 1 : 0;
        }
      }
      batch.add(row);
    }
    double[] means = new double[d];
    for (double[] row : batch) {
      for (int j = 0; j < d; j++) {
        means[j] += row[j] / n;
      }
    }
    // the batch in the middle of a larger buffer, as a background fit sees it after a restore
    double[] rows = new double[(n + 2) * d];
    for (int r = 0; r < n; r++) {
      System.arraycopy(batch.get(r), 0, rows, (r + 1) * d, d);
    }
    double[] fast = PcaStep.centredGram(rows, 1, n, means, d);
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double expected = 0;
        for (double[] row : batch) {
          expected += (row[i] - means[i]) * (row[j] - means[j]);
        }
        // 1e-8: column 4's values (1e6 + noise) carry only ~10 significant digits of noise
        assertThat(fast[i * d + j])
            .as("gram[%d][%d]", i, j)
            .isCloseTo(expected, within(1e-8 * Math.max(1, Math.abs(expected))));
      }
    }
  }
}
