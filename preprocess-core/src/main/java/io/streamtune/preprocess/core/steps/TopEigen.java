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

  /** {@link #startVector}s by (size, position), shared: read-only once made. */
  private static final java.util.concurrent.ConcurrentHashMap<Long, double[]> START_VECTORS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private TopEigen() {}

  /**
   * @param a an n × n symmetric matrix, row-major; not changed
   */
  static Result top(double[] a, int n, int k) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
    }
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = java.util.Arrays.copyOfRange(a, i * n, i * n + n);
    }
    double[] diagonal = new double[n];
    double[] offDiagonal = new double[Math.max(0, n - 1)];
    double[] betas = new double[Math.max(0, n - 2)];
    tridiagonalize(rows, n, diagonal, offDiagonal, betas);

    double[] values = largest(diagonal, offDiagonal, k);
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
      applyReflectors(vector, n, rows, betas);
    }
    return new Result(values, vectors);
  }

  /**
   * Reduces the symmetric {@code a} (its rows) to tridiagonal T = Qᵀ A Q with Q = H₀ H₁ … H_{n-3};
   * reflector H_j = I - β v vᵀ acts on indices j+1…n-1, and v is left in row j at those indices
   * (row j is not read again). Every loop over a row uses the row's own column index for all its
   * arrays, the form the JIT turns into vector instructions.
   */
  private static void tridiagonalize(
      double[][] a, int n, double[] diagonal, double[] offDiagonal, double[] betas) {
    double[] p = new double[n];
    for (int j = 0; j < n - 2; j++) {
      int base = j + 1;
      // column j below the diagonal, which is row j right of it: the trailing block stays exactly
      // symmetric (both triangles get the same two products, added in either order)
      double[] v = a[j];
      double scale = 0;
      for (int i = base; i < n; i++) {
        scale = Math.max(scale, Math.abs(v[i]));
      }
      if (scale == 0) {
        offDiagonal[j] = 0;
        betas[j] = 0;
        continue;
      }
      double squares = 0;
      for (int i = base; i < n; i++) {
        v[i] /= scale;
        squares += v[i] * v[i];
      }
      double alpha = -Math.copySign(Math.sqrt(squares), v[base]);
      v[base] -= alpha;
      double vv = 0;
      for (int i = base; i < n; i++) {
        vv += v[i] * v[i];
      }
      double beta = vv == 0 ? 0 : 2 / vv;
      offDiagonal[j] = alpha * scale;
      betas[j] = beta;
      if (beta == 0) {
        continue;
      }
      // A22 ← H A22 H = A22 - v wᵀ - w vᵀ with p = β A22 v, w = p - (β/2)(pᵀv) v; p as a sum of
      // A22's rows scaled by v (its rows are its columns)
      java.util.Arrays.fill(p, base, n, 0);
      for (int c = base; c < n; c++) {
        double[] row = a[c];
        double vc = v[c];
        for (int r = base; r < n; r++) {
          p[r] += row[r] * vc;
        }
      }
      double pv = 0;
      for (int r = base; r < n; r++) {
        p[r] *= beta;
        pv += p[r] * v[r];
      }
      double half = 0.5 * beta * pv;
      for (int r = base; r < n; r++) {
        p[r] -= half * v[r];
      }
      for (int r = base; r < n; r++) {
        double[] row = a[r];
        double vr = v[r];
        double wr = p[r];
        for (int c = base; c < n; c++) {
          row[c] -= vr * p[c] + wr * v[c];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      diagonal[i] = a[i][i];
    }
    if (n >= 2) {
      offDiagonal[n - 2] = a[n - 1][n - 2];
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

  /**
   * The k largest eigenvalues of T, largest first, each by bisection from the Gershgorin bounds
   * until the interval cannot shrink, counting the eigenvalues below a point by the negative pivots
   * of the LDLᵀ factorisation of T - xI (Sturm). The k bisections run in lockstep: their Sturm
   * recurrences are independent chains of divisions, which the processor overlaps, where one chain
   * waits for each division in turn.
   */
  private static double[] largest(double[] diagonal, double[] offDiagonal, int k) {
    int n = diagonal.length;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double radius = 0;
      if (i > 0) {
        radius += Math.abs(offDiagonal[i - 1]);
      }
      if (i < n - 1) {
        radius += Math.abs(offDiagonal[i]);
      }
      lowest = Math.min(lowest, diagonal[i] - radius);
      highest = Math.max(highest, diagonal[i] + radius);
    }
    double width = Math.max(Math.abs(lowest), Math.abs(highest));
    lowest -= 1e-14 * width + Double.MIN_NORMAL;
    highest += 1e-14 * width + Double.MIN_NORMAL;
    double[] low = new double[k];
    double[] high = new double[k];
    double[] middle = new double[k];
    double[] pivot = new double[k];
    int[] below = new int[k];
    java.util.Arrays.fill(low, lowest);
    java.util.Arrays.fill(high, highest);
    double[] squares = new double[n];
    for (int i = 1; i < n; i++) {
      squares[i] = offDiagonal[i - 1] * offDiagonal[i - 1];
    }
    int searching = k;
    boolean[] found = new boolean[k];
    while (searching > 0) {
      for (int c = 0; c < k; c++) {
        if (!found[c]) {
          middle[c] = 0.5 * (low[c] + high[c]);
          if (middle[c] <= low[c] || middle[c] >= high[c]) {
            found[c] = true;
            searching--;
          }
        }
      }
      if (searching == 0) {
        break;
      }
      java.util.Arrays.fill(below, 0);
      for (int c = 0; c < k; c++) {
        pivot[c] = diagonal[0] - middle[c];
        if (pivot[c] == 0) {
          pivot[c] = -Double.MIN_NORMAL;
        }
        below[c] += pivot[c] < 0 ? 1 : 0;
      }
      for (int i = 1; i < n; i++) {
        double d = diagonal[i];
        double e2 = squares[i];
        for (int c = 0; c < k; c++) {
          double next = d - middle[c] - e2 / pivot[c];
          next = next == 0 ? -Double.MIN_NORMAL : next;
          below[c] += next < 0 ? 1 : 0;
          pivot[c] = next;
        }
      }
      for (int c = 0; c < k; c++) {
        if (found[c]) {
          continue;
        }
        // the c-th largest is the (n - 1 - c)-th smallest
        if (below[c] > n - 1 - c) {
          high[c] = middle[c];
        } else {
          low[c] = middle[c];
        }
      }
    }
    return middle;
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
    double[] x =
        START_VECTORS
            .computeIfAbsent(((long) n << 32) | until, key -> startVector(n, until))
            .clone();
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

  /**
   * A deterministic start with components along every eigenvector in practice; the same for every
   * matrix of a size, so computed once (n sines).
   */
  private static double[] startVector(int n, int position) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1.0 + 0.1 * Math.sin(1.0 + i * (position + 1));
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
      double dot = 0;
      for (int i = j + 1; i < n; i++) {
        dot += v[i] * y[i];
      }
      double factor = beta * dot;
      for (int i = j + 1; i < n; i++) {
        y[i] -= factor * v[i];
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
