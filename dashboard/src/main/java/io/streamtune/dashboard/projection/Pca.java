package io.streamtune.dashboard.projection;

import java.util.Random;

/**
 * Principal component analysis to two dimensions, as scikit-learn's {@code PCA(n_components=2)}:
 * the data are centred (not scaled), the components are the top eigenvectors of the covariance, and
 * each component's sign is fixed as scikit-learn's {@code svd_flip} fixes it (the point with the
 * largest absolute score on a component scores positive), so the map never flips between runs.
 *
 * <p>Up to {@value #FULL_EIGEN_MAX_FEATURES} features the covariance is decomposed whole (Jacobi);
 * wider inputs (text and image embeddings: 384 to 1,024 features) use subspace iteration on a block
 * of {@value #BLOCK} vectors, which costs a few products with the covariance instead of a cubic
 * decomposition.
 */
public final class Pca {

  static final int FULL_EIGEN_MAX_FEATURES = 64;
  private static final int BLOCK = 12;
  private static final int MAX_SUBSPACE_ITERATIONS = 5_000;
  private static final double SUBSPACE_TOLERANCE = 1e-13;

  /**
   * The projection of every point onto the two components, the components themselves (unit rows in
   * feature space), the feature means subtracted first, and the share of the total variance each
   * component explains.
   */
  public record Result(
      double[][] projection,
      double[][] components,
      double[] mean,
      double[] explainedVarianceRatio) {}

  private Pca() {}

  /** Projects {@code x} (n points × d features, n ≥ 2, d ≥ 1, finite) to two dimensions. */
  public static Result fit(double[][] x) {
    return fit(x, FULL_EIGEN_MAX_FEATURES);
  }

  static Result fit(double[][] x, int fullEigenMaxFeatures) {
    int d = ProjectionInput.requireFiniteMatrix(x, 2, "PCA");
    int n = x.length;
    double[] mean = new double[d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[][] centred = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        centred[i][j] = x[i][j] - mean[j];
      }
    }
    double[][] covariance = covariance(centred);
    double totalVariance = 0;
    for (int j = 0; j < d; j++) {
      totalVariance += covariance[j][j];
    }
    int components = Math.min(2, d);
    SymmetricEigen.Decomposition top =
        d <= fullEigenMaxFeatures
            ? SymmetricEigen.decompose(covariance)
            : subspaceIteration(covariance, Math.min(d, Math.max(BLOCK, components)));
    double[][] axes = new double[2][d];
    double[] ratio = new double[2];
    for (int k = 0; k < components; k++) {
      for (int j = 0; j < d; j++) {
        axes[k][j] = top.vectors()[j][k];
      }
      ratio[k] = totalVariance > 0 ? Math.max(0, top.values()[k]) / totalVariance : 0;
    }
    double[][] projection = new double[n][2];
    for (int k = 0; k < components; k++) {
      for (int i = 0; i < n; i++) {
        projection[i][k] = dot(centred[i], axes[k]);
      }
      flipSign(projection, axes[k], k);
    }
    return new Result(projection, axes, mean, ratio);
  }

  // svd_flip(u_based_decision=True): the score of largest magnitude (the first such) is positive.
  private static void flipSign(double[][] projection, double[] axis, int k) {
    int largest = 0;
    for (int i = 1; i < projection.length; i++) {
      if (Math.abs(projection[i][k]) > Math.abs(projection[largest][k])) {
        largest = i;
      }
    }
    if (projection[largest][k] < 0) {
      for (double[] point : projection) {
        point[k] = -point[k];
      }
      for (int j = 0; j < axis.length; j++) {
        axis[j] = -axis[j];
      }
    }
  }

  private static double[][] covariance(double[][] centred) {
    int n = centred.length;
    int d = centred[0].length;
    double[][] c = new double[d][d];
    for (double[] row : centred) {
      for (int a = 0; a < d; a++) {
        double ra = row[a];
        double[] ca = c[a];
        for (int b = a; b < d; b++) {
          ca[b] += ra * row[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        c[a][b] /= n - 1;
        c[b][a] = c[a][b];
      }
    }
    return c;
  }

  /**
   * The top eigenpairs of {@code c} by orthogonal (subspace) iteration with a Rayleigh-Ritz step:
   * the block converges at the rate of eigenvalue {@code block+1} over eigenvalue 2, far faster
   * than one vector at a time. The start block is seeded, so the result is the same every run.
   */
  private static SymmetricEigen.Decomposition subspaceIteration(double[][] c, int block) {
    int d = c.length;
    Random random = new Random(0x5ca1ab1eL);
    double[][] q = new double[d][block];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < block; k++) {
        q[i][k] = random.nextGaussian();
      }
    }
    orthonormaliseColumns(q);
    double[] previous = new double[block];
    SymmetricEigen.Decomposition ritz = null;
    for (int iteration = 0; iteration < MAX_SUBSPACE_ITERATIONS; iteration++) {
      double[][] z = multiply(c, q);
      orthonormaliseColumns(z);
      double[][] cz = multiply(c, z);
      double[][] small = new double[block][block];
      for (int a = 0; a < block; a++) {
        for (int b = 0; b < block; b++) {
          double sum = 0;
          for (int i = 0; i < d; i++) {
            sum += z[i][a] * cz[i][b];
          }
          small[a][b] = sum;
        }
      }
      for (int a = 0; a < block; a++) {
        for (int b = a + 1; b < block; b++) {
          small[a][b] = small[b][a] = (small[a][b] + small[b][a]) / 2;
        }
      }
      ritz = SymmetricEigen.decompose(small);
      q = multiply(z, ritz.vectors());
      double scale = Math.max(Math.abs(ritz.values()[0]), Double.MIN_NORMAL);
      boolean converged = iteration > 0;
      for (int k = 0; k < Math.min(2, block); k++) {
        converged &= Math.abs(ritz.values()[k] - previous[k]) <= SUBSPACE_TOLERANCE * scale;
        previous[k] = ritz.values()[k];
      }
      if (converged && residual(c, q, ritz.values()) <= 1e-11 * scale) {
        break;
      }
    }
    return new SymmetricEigen.Decomposition(ritz.values(), q);
  }

  private static double residual(double[][] c, double[][] q, double[] values) {
    double worst = 0;
    double[][] cq = multiply(c, q);
    for (int k = 0; k < Math.min(2, values.length); k++) {
      double sum = 0;
      for (int i = 0; i < c.length; i++) {
        double r = cq[i][k] - values[k] * q[i][k];
        sum += r * r;
      }
      worst = Math.max(worst, Math.sqrt(sum));
    }
    return worst;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int rows = a.length;
    int inner = b.length;
    int cols = b[0].length;
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int m = 0; m < inner; m++) {
        double aim = a[i][m];
        if (aim != 0) {
          for (int k = 0; k < cols; k++) {
            out[i][k] += aim * b[m][k];
          }
        }
      }
    }
    return out;
  }

  // Modified Gram-Schmidt twice ("twice is enough"), columns in place.
  private static void orthonormaliseColumns(double[][] m) {
    int rows = m.length;
    int cols = m[0].length;
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < cols; k++) {
        for (int p = 0; p < k; p++) {
          double projection = 0;
          for (int i = 0; i < rows; i++) {
            projection += m[i][k] * m[i][p];
          }
          for (int i = 0; i < rows; i++) {
            m[i][k] -= projection * m[i][p];
          }
        }
        double norm = 0;
        for (int i = 0; i < rows; i++) {
          norm += m[i][k] * m[i][k];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < rows; i++) {
          m[i][k] = norm > 0 ? m[i][k] / norm : 0;
        }
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      sum += a[j] * b[j];
    }
    return sum;
  }
}
