package io.streamtune.preprocess.core.steps;

/**
 * The k largest eigenvalues of a symmetric matrix and their unit eigenvectors, without computing
 * the other n - k vectors: Householder reduction to tridiagonal form (Golub and Van Loan, alg.
 * 8.3.1), the k largest eigenvalues of the tridiagonal matrix by Sturm-sequence bisection, their
 * vectors by inverse iteration (re-orthogonalised within clusters of close eigenvalues, as LAPACK's
 * dstein does), and the reflectors applied to those k vectors only.
 *
 * <p>Why not a full eigendecomposition: incremental PCA needs the leading k of d eigenvectors once
 * per batch; a full symmetric QR with vectors costs about 9d³ flops, this about (4/3)d³ + O(d²k).
 */
final class TopEigen {

  /**
   * @param values the k largest eigenvalues, largest first
   * @param vectors {@code vectors[c]} is the unit eigenvector of {@code values[c]}
   */
  record Result(double[] values, double[][] vectors) {}

  private static final int INVERSE_ITERATIONS = 3;

  private TopEigen() {}

  /**
   * @param a an n × n symmetric matrix, row-major; overwritten
   */
  static Result top(double[] a, int n, int k) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
    }
    double[] diagonal = new double[n];
    double[] offDiagonal = new double[Math.max(0, n - 1)];
    double[][] reflectors = new double[Math.max(0, n - 2)][];
    double[] betas = new double[Math.max(0, n - 2)];
    tridiagonalize(a, n, diagonal, offDiagonal, reflectors, betas);

    double[] values = new double[k];
    for (int c = 0; c < k; c++) {
      // the c-th largest is the (n - 1 - c)-th smallest
      values[c] = kthSmallest(diagonal, offDiagonal, n - 1 - c);
    }
    double[][] vectors = new double[k][];
    double norm = tridiagonalNorm(diagonal, offDiagonal);
    double clusterGap = 1e-3 * Math.max(norm, Double.MIN_NORMAL);
    int clusterStart = 0;
    for (int c = 0; c < k; c++) {
      if (c > 0 && values[c - 1] - values[c] > clusterGap) {
        clusterStart = c;
      }
      vectors[c] =
          inverseIteration(diagonal, offDiagonal, values[c], norm, vectors, clusterStart, c);
    }
    for (double[] vector : vectors) {
      applyReflectors(vector, n, reflectors, betas);
    }
    return new Result(values, vectors);
  }

  /**
   * Reduces {@code a} to tridiagonal T = Qᵀ A Q with Q = H₀ H₁ … H_{n-3}; reflector H_j = I - β v
   * vᵀ acts on indices j+1…n-1.
   */
  private static void tridiagonalize(
      double[] a,
      int n,
      double[] diagonal,
      double[] offDiagonal,
      double[][] reflectors,
      double[] betas) {
    double[] p = new double[n];
    for (int j = 0; j < n - 2; j++) {
      int m = n - j - 1;
      double[] v = new double[m];
      double scale = 0;
      for (int i = 0; i < m; i++) {
        v[i] = a[(j + 1 + i) * n + j];
        scale = Math.max(scale, Math.abs(v[i]));
      }
      if (scale == 0) {
        offDiagonal[j] = 0;
        reflectors[j] = v;
        betas[j] = 0;
        continue;
      }
      double squares = 0;
      for (int i = 0; i < m; i++) {
        v[i] /= scale;
        squares += v[i] * v[i];
      }
      double alpha = -Math.copySign(Math.sqrt(squares), v[0]);
      v[0] -= alpha;
      double vv = 0;
      for (int i = 0; i < m; i++) {
        vv += v[i] * v[i];
      }
      double beta = vv == 0 ? 0 : 2 / vv;
      offDiagonal[j] = alpha * scale;
      reflectors[j] = v;
      betas[j] = beta;
      if (beta == 0) {
        continue;
      }
      // A22 ← H A22 H = A22 - v wᵀ - w vᵀ with p = β A22 v, w = p - (β/2)(pᵀv) v
      int base = j + 1;
      double pv = 0;
      for (int r = 0; r < m; r++) {
        int row = (base + r) * n + base;
        // four partial sums: the JIT keeps a floating-point reduction in order, one add at a time
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = 0;
        for (; c + 3 < m; c += 4) {
          s0 += a[row + c] * v[c];
          s1 += a[row + c + 1] * v[c + 1];
          s2 += a[row + c + 2] * v[c + 2];
          s3 += a[row + c + 3] * v[c + 3];
        }
        for (; c < m; c++) {
          s0 += a[row + c] * v[c];
        }
        p[r] = beta * ((s0 + s1) + (s2 + s3));
        pv += p[r] * v[r];
      }
      double half = 0.5 * beta * pv;
      for (int r = 0; r < m; r++) {
        p[r] -= half * v[r];
      }
      for (int r = 0; r < m; r++) {
        int row = (base + r) * n + base;
        double vr = v[r];
        double wr = p[r];
        for (int c = 0; c < m; c++) {
          a[row + c] -= vr * p[c] + wr * v[c];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      diagonal[i] = a[i * n + i];
    }
    if (n >= 2) {
      offDiagonal[n - 2] = a[(n - 1) * n + (n - 2)];
    }
  }

  private static double tridiagonalNorm(double[] diagonal, double[] offDiagonal) {
    double norm = 0;
    for (int i = 0; i < diagonal.length; i++) {
      double row = Math.abs(diagonal[i]);
      if (i > 0) {
        row += Math.abs(offDiagonal[i - 1]);
      }
      if (i < offDiagonal.length) {
        row += Math.abs(offDiagonal[i]);
      }
      norm = Math.max(norm, row);
    }
    return norm;
  }

  /** Eigenvalues of T below x: the negative pivots of the LDLᵀ factorisation of T - xI. */
  private static int countBelow(double[] diagonal, double[] offDiagonal, double x) {
    int count = 0;
    double pivot = 1;
    for (int i = 0; i < diagonal.length; i++) {
      double e2 = i == 0 ? 0 : offDiagonal[i - 1] * offDiagonal[i - 1];
      pivot = diagonal[i] - x - (i == 0 ? 0 : e2 / pivot);
      if (pivot == 0) {
        pivot = -Double.MIN_NORMAL;
      }
      if (pivot < 0) {
        count++;
      }
    }
    return count;
  }

  /** The (index)-th smallest eigenvalue (0-based) by bisection on Gershgorin bounds. */
  private static double kthSmallest(double[] diagonal, double[] offDiagonal, int index) {
    int n = diagonal.length;
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double radius = 0;
      if (i > 0) {
        radius += Math.abs(offDiagonal[i - 1]);
      }
      if (i < n - 1) {
        radius += Math.abs(offDiagonal[i]);
      }
      low = Math.min(low, diagonal[i] - radius);
      high = Math.max(high, diagonal[i] + radius);
    }
    double width = Math.max(Math.abs(low), Math.abs(high));
    low -= 1e-14 * width + Double.MIN_NORMAL;
    high += 1e-14 * width + Double.MIN_NORMAL;
    while (true) {
      double middle = 0.5 * (low + high);
      if (middle <= low || middle >= high) {
        return middle;
      }
      if (countBelow(diagonal, offDiagonal, middle) > index) {
        high = middle;
      } else {
        low = middle;
      }
    }
  }

  /**
   * A unit eigenvector of T for {@code lambda}: a few steps of inverse iteration with a pivoted
   * tridiagonal solve, orthogonalised against the vectors {@code done[from..until)} of eigenvalues
   * too close for inverse iteration alone to separate.
   */
  private static double[] inverseIteration(
      double[] diagonal,
      double[] offDiagonal,
      double lambda,
      double norm,
      double[][] done,
      int from,
      int until) {
    int n = diagonal.length;
    // a slightly perturbed shift keeps T - λI numerically non-singular
    double shift = lambda + 1e-13 * Math.max(norm, Double.MIN_NORMAL) * (until - from + 1);
    PivotedTridiagonal solver =
        new PivotedTridiagonal(
            diagonal, offDiagonal, shift, 1e-16 * Math.max(norm, Double.MIN_NORMAL));
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      // a deterministic start with components along every eigenvector in practice
      x[i] = 1.0 + 0.1 * Math.sin(1.0 + i * (until + 1));
    }
    for (int iteration = 0; iteration < INVERSE_ITERATIONS; iteration++) {
      solver.solveInPlace(x);
      for (int c = from; c < until; c++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += x[i] * done[c][i];
        }
        for (int i = 0; i < n; i++) {
          x[i] -= dot * done[c][i];
        }
      }
      double length = 0;
      for (double value : x) {
        length += value * value;
      }
      length = Math.sqrt(length);
      for (int i = 0; i < n; i++) {
        x[i] /= length;
      }
    }
    return x;
  }

  /** y ← H₀ H₁ … H_{n-3} y: a vector of T to the matching vector of the original matrix. */
  private static void applyReflectors(double[] y, int n, double[][] reflectors, double[] betas) {
    for (int j = n - 3; j >= 0; j--) {
      double beta = betas[j];
      if (beta == 0) {
        continue;
      }
      double[] v = reflectors[j];
      int base = j + 1;
      double dot = 0;
      for (int i = 0; i < v.length; i++) {
        dot += v[i] * y[base + i];
      }
      double factor = beta * dot;
      for (int i = 0; i < v.length; i++) {
        y[base + i] -= factor * v[i];
      }
    }
  }

  /**
   * Gaussian elimination with partial pivoting of the tridiagonal T - σI (LAPACK dlagtf): U has two
   * super-diagonals after row swaps.
   */
  private static final class PivotedTridiagonal {
    private final int n;
    private final double[] u0;
    private final double[] u1;
    private final double[] u2;
    private final double[] multipliers;
    private final boolean[] swapped;

    /**
     * @param tiny replaces a zero pivot (an exact eigenvalue as shift), as LAPACK perturbs it
     */
    PivotedTridiagonal(double[] diagonal, double[] offDiagonal, double shift, double tiny) {
      n = diagonal.length;
      u0 = new double[n];
      u1 = new double[n];
      u2 = new double[n];
      multipliers = new double[n];
      swapped = new boolean[n];
      // current row i holds (d_i, e_i, 0) in columns (i, i+1, i+2)
      double rowDiag = diagonal[0] - shift;
      double rowSuper = n > 1 ? offDiagonal[0] : 0;
      for (int i = 0; i < n - 1; i++) {
        double below = offDiagonal[i];
        double nextDiag = diagonal[i + 1] - shift;
        double nextSuper = i + 1 < n - 1 ? offDiagonal[i + 1] : 0;
        if (Math.abs(rowDiag) >= Math.abs(below)) {
          double pivot = Math.abs(rowDiag) < tiny ? Math.copySign(tiny, rowDiag) : rowDiag;
          double multiplier = below / pivot;
          u0[i] = pivot;
          u1[i] = rowSuper;
          u2[i] = 0;
          multipliers[i] = multiplier;
          swapped[i] = false;
          rowDiag = nextDiag - multiplier * rowSuper;
          rowSuper = nextSuper;
        } else {
          double multiplier = rowDiag / below;
          u0[i] = below;
          u1[i] = nextDiag;
          u2[i] = nextSuper;
          multipliers[i] = multiplier;
          swapped[i] = true;
          double newDiag = rowSuper - multiplier * nextDiag;
          double newSuper = -multiplier * nextSuper;
          rowDiag = newDiag;
          rowSuper = newSuper;
        }
      }
      u0[n - 1] = Math.abs(rowDiag) < tiny ? Math.copySign(tiny, rowDiag) : rowDiag;
    }

    void solveInPlace(double[] x) {
      for (int i = 0; i < n - 1; i++) {
        if (swapped[i]) {
          double t = x[i];
          x[i] = x[i + 1];
          x[i + 1] = t - multipliers[i] * x[i];
        } else {
          x[i + 1] -= multipliers[i] * x[i];
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        double sum = x[i];
        if (i + 1 < n) {
          sum -= u1[i] * x[i + 1];
        }
        if (i + 2 < n) {
          sum -= u2[i] * x[i + 2];
        }
        x[i] = sum / u0[i];
      }
    }
  }
}
