package io.streamtune.preprocess.core.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopEigenTest {

  /** A Gram matrix aᵀa of random rows (PSD, like incremental PCA's), with some exact structure. */
  private static double[] gram(int rows, int d, long seed, boolean duplicateColumns) {
    Random random = new Random(seed);
    double[] a = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < d; j++) {
        double value = random.nextGaussian() * (1 + j % 7);
        // one-hot-like columns: mostly 0 / 1, as after the oneHot step
        if (j % 5 == 4) {
          value = random.nextInt(4) == 0 ? 1 : 0;
        }
        if (duplicateColumns && j % 11 == 10) {
          value = a[r * d + j - 1];
        }
        a[r * d + j] = value;
      }
    }
    double[] g = PcaStep.upperGram(a, rows, d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        g[i * d + j] = g[j * d + i];
      }
    }
    return g;
  }

  @ParameterizedTest
  @CsvSource({
    "604, 119, 8, 1, false",
    "604, 119, 8, 2, true",
    "50, 30, 30, 3, false",
    "10, 40, 12, 4, true",
    "3, 3, 2, 5, false",
    "20, 2, 1, 6, false"
  })
  void leadingEigenpairsMatchAFullDecomposition(
      int rows, int d, int k, long seed, boolean duplicateColumns) {
    double[] g = gram(rows, d, seed, duplicateColumns);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    assertThat(eig.decompose(new DMatrixRMaj(d, d, true, g.clone()))).isTrue();
    double[] expected = new double[d];
    for (int i = 0; i < d; i++) {
      expected[i] = eig.getEigenvalue(i).getReal();
    }
    Arrays.sort(expected);
    double scale = expected[d - 1];

    TopEigen.Result top = TopEigen.top(g.clone(), d, k);

    for (int c = 0; c < k; c++) {
      assertThat(top.values()[c]).isCloseTo(expected[d - 1 - c], within(1e-10 * scale));
      double[] v = top.vectors()[c];
      // unit length, and an eigenvector: |A v - λ v| small relative to |A|
      double length = 0;
      double residual = 0;
      for (int i = 0; i < d; i++) {
        length += v[i] * v[i];
        double av = 0;
        for (int j = 0; j < d; j++) {
          av += g[i * d + j] * v[j];
        }
        residual += Math.pow(av - top.values()[c] * v[i], 2);
      }
      assertThat(Math.sqrt(length)).isCloseTo(1.0, within(1e-12));
      assertThat(Math.sqrt(residual)).isLessThan(1e-9 * scale);
      for (int other = 0; other < c; other++) {
        double dot = 0;
        for (int i = 0; i < d; i++) {
          dot += v[i] * top.vectors()[other][i];
        }
        assertThat(Math.abs(dot)).as("orthogonal to vector %d", other).isLessThan(1e-9);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"6, 3", "12, 12"})
  void repeatedEigenvaluesGiveAnOrthonormalBasisOfTheirSpace(int d, int k) {
    // the identity scaled: every vector is an eigenvector; k distinct orthonormal ones are wanted
    double[] g = new double[d * d];
    for (int i = 0; i < d; i++) {
      g[i * d + i] = 2.5;
    }
    TopEigen.Result top = TopEigen.top(g, d, k);
    for (int c = 0; c < k; c++) {
      assertThat(top.values()[c]).isCloseTo(2.5, within(1e-12));
      for (int other = 0; other <= c; other++) {
        double dot = 0;
        for (int i = 0; i < d; i++) {
          dot += top.vectors()[c][i] * top.vectors()[other][i];
        }
        assertThat(dot).isCloseTo(other == c ? 1.0 : 0.0, within(1e-9));
      }
    }
  }
}
