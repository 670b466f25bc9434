package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;
import java.util.List;

/**
 * Incremental PCA, the algorithm of scikit-learn's IncrementalPCA (Ross et al.): each batch of rows
 * is centred and stacked under the current components (scaled by their singular values) and a
 * mean-correction row, and the stack's leading right singular vectors (the top eigenvectors of its
 * Gram matrix) are the new components. Signs follow svd_flip (largest |loading| of each component
 * positive). In a stream rows wait in a pending batch; before the first batch is fitted the output
 * is all zeros.
 */
final class PcaStep implements Step, BackgroundFit {

  private final int d;
  private final int k;
  private final int batchSize;
  private final String[] inputNames;
  private long seen;
  private double[] mean;
  private double[] variance;
  private double[][] components;
  private double[] singularValues;
  // the rows waiting for the next batch fit, row after row (capacity: a batch, or what a restore
  // brought); a background fit reads the full buffer it was handed while this one fills, and hands
  // it back as the spare when it has been awaited: no row is copied twice or allocated on its own
  private double[] pendingRows;
  private int pendingCount;
  private double[] fittingRows;
  private double[] spareRows;
  // where batch fits run when not on the caller's thread (null: inline), and the one running now
  private java.util.concurrent.Executor fitExecutor;
  private java.util.concurrent.CompletableFuture<Fitted> runningFit;
  // derived from mean, variance and components; rebuilt on the first transform after they change
  private Projection projection;
  // a row's non-zero terms (column offset into the projection, value), reused row after row
  private final int[] termColumns;
  private final double[] termValues;

  static Step of(StepSpec.Pca spec, StepInput in) {
    return new PcaStep(
        in.inputNames(), spec.components(), spec.effectiveBatchSize(in.input().size()));
  }

  PcaStep(String[] inputNames, int components, int batchSize) {
    this.inputNames = inputNames;
    this.d = inputNames.length;
    this.k = components;
    this.batchSize = batchSize;
    this.mean = new double[d];
    this.variance = new double[d];
    this.pendingRows = new double[batchSize * d];
    this.termColumns = new int[d];
    this.termValues = new double[d];
  }

  @Override
  public void fit(Frame in, int label) {
    if (!allFinite(in.numbers)) {
      return;
    }
    if ((pendingCount + 1) * d > pendingRows.length) {
      pendingRows = java.util.Arrays.copyOf(pendingRows, (pendingCount + 1) * d);
    }
    System.arraycopy(in.numbers, 0, pendingRows, pendingCount * d, d);
    pendingCount++;
    if (pendingCount >= batchSize) {
      if (fitExecutor == null) {
        apply(partialFit(fitted(), pendingRows, 0, pendingCount, d, k));
        pendingCount = 0;
        return;
      }
      awaitFit();
      Fitted before = fitted();
      double[] batch = pendingRows;
      int rows = pendingCount;
      pendingRows = spareRows != null ? spareRows : new double[batchSize * d];
      spareRows = null;
      pendingCount = 0;
      fittingRows = batch;
      runningFit =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> partialFit(before, batch, 0, rows, d, k), fitExecutor);
    }
  }

  @Override
  public void fitInBackground(java.util.concurrent.Executor executor) {
    awaitFit();
    fitExecutor = executor;
  }

  @Override
  public boolean startsFit(Frame in) {
    return fitExecutor != null && pendingCount + 1 >= batchSize && allFinite(in.numbers);
  }

  @Override
  public boolean fitRunning() {
    return runningFit != null;
  }

  @Override
  public boolean fitDone() {
    return runningFit != null && runningFit.isDone();
  }

  @Override
  public void awaitFit() {
    if (runningFit == null) {
      return;
    }
    Fitted result;
    try {
      result = runningFit.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    } finally {
      runningFit = null;
      if (fittingRows.length == batchSize * d) {
        spareRows = fittingRows;
      }
      fittingRows = null;
    }
    apply(result);
  }

  private void requireNoRunningFit() {
    if (runningFit != null) {
      throw new IllegalStateException(
          "incremental PCA's batch fit is still running: await it before transforming or saving");
    }
  }

  /** Batches like scikit-learn's fit: gen_batches(n, batchSize, min_batch_size=k). */
  @Override
  public void fitAll(List<Frame> rows, int[] labels) {
    awaitFit();
    double[] finite = new double[rows.size() * d];
    int n = 0;
    for (Frame row : rows) {
      if (allFinite(row.numbers)) {
        System.arraycopy(row.numbers, 0, finite, n * d, d);
        n++;
      }
    }
    int start = 0;
    for (int b = 0; b < n / batchSize; b++) {
      int end = start + batchSize;
      if (end + k > n) {
        continue;
      }
      apply(partialFit(fitted(), finite, start, end - start, d, k));
      start = end;
    }
    if (start < n && n - start >= k) {
      apply(partialFit(fitted(), finite, start, n - start, d, k));
    }
  }

  private static boolean allFinite(double[] x) {
    for (double v : x) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** What a batch fit changes: the statistics and components after it. */
  private record Fitted(
      long seen, double[] mean, double[] variance, double[][] components, double[] singular) {}

  private Fitted fitted() {
    return new Fitted(seen, mean, variance, components, singularValues);
  }

  private void apply(Fitted result) {
    seen = result.seen();
    mean = result.mean();
    variance = result.variance();
    components = result.components();
    singularValues = result.singular();
    projection = null;
  }

  /**
   * scikit-learn's IncrementalPCA.partial_fit on one batch, the {@code n} rows from row {@code
   * first} of the row-major {@code rows}; reads {@code before}, changes nothing (a background fit
   * runs it on another thread while the caller goes on collecting rows).
   */
  private static Fitted partialFit(Fitted before, double[] rows, int first, int n, int d, int k) {
    long seen = before.seen();
    double[] mean = before.mean();
    double[] variance = before.variance();
    double[][] components = before.components();
    double[] singularValues = before.singular();
    if (n < k) {
      return before;
    }
    int from = first * d;
    int to = from + n * d;
    double[] batchSum = new double[d];
    for (int at = from; at < to; at += d) {
      for (int j = 0; j < d; j++) {
        batchSum[j] += rows[at + j];
      }
    }
    double[] batchMean = new double[d];
    for (int j = 0; j < d; j++) {
      batchMean[j] = batchSum[j] / n;
    }
    long total = seen + n;
    // scikit-learn's _incremental_mean_and_var; each column's sums run over the rows in order, as
    // a loop per column would, but row by row through memory
    double[] corrections = new double[d];
    double[] squares = new double[d];
    for (int at = from; at < to; at += d) {
      for (int j = 0; j < d; j++) {
        double t = rows[at + j] - batchMean[j];
        corrections[j] += t;
        squares[j] += t * t;
      }
    }
    double[] newMean = new double[d];
    double[] newVariance = new double[d];
    for (int j = 0; j < d; j++) {
      double lastSum = mean[j] * seen;
      newMean[j] = (lastSum + batchSum[j]) / total;
      double correction = corrections[j];
      double newUnnormalized = squares[j] - correction * correction / n;
      if (seen == 0) {
        newVariance[j] = newUnnormalized / total;
      } else {
        double lastOverNew = (double) seen / n;
        double lastUnnormalized = variance[j] * seen;
        double updated =
            lastUnnormalized
                + newUnnormalized
                + lastOverNew / total * Math.pow(lastSum / lastOverNew - batchSum[j], 2);
        newVariance[j] = updated / total;
      }
    }
    // The stack is the centred batch, plus (after the first batch) the scaled components and a
    // mean-correction row. Its top-k right singular vectors are the top-k eigenvectors of its Gram
    // matrix (d x d): cheaper than a thin SVD of the (k + n + 1) x d stack, and as accurate for
    // the leading components that are kept. Only those k vectors are computed.
    double[] gram = centredGram(rows, first, n, batchMean, d);
    if (seen > 0) {
      int extraRows = components.length + 1;
      double[] extra = new double[extraRows * d];
      for (int c = 0; c < components.length; c++) {
        for (int j = 0; j < d; j++) {
          extra[c * d + j] = singularValues[c] * components[c][j];
        }
      }
      double factor = Math.sqrt(((double) seen / total) * n);
      for (int j = 0; j < d; j++) {
        extra[components.length * d + j] = factor * (mean[j] - batchMean[j]);
      }
      addUpperGram(gram, extra, extraRows, d);
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        gram[i * d + j] = gram[j * d + i];
      }
    }
    TopEigen.Result top = TopEigen.top(gram, d, k);
    double[][] newComponents = new double[k][];
    double[] newSingular = new double[k];
    for (int c = 0; c < k; c++) {
      newSingular[c] = Math.sqrt(Math.max(0, top.values()[c]));
      double[] vector = top.vectors()[c];
      int largest = 0;
      for (int j = 0; j < d; j++) {
        if (Math.abs(vector[j]) > Math.abs(vector[largest])) {
          largest = j;
        }
      }
      if (vector[largest] < 0) {
        for (int j = 0; j < d; j++) {
          vector[j] = -vector[j];
        }
      }
      newComponents[c] = vector;
    }
    return new Fitted(total, newMean, newVariance, newComponents, newSingular);
  }

  /**
   * The upper triangle of aᵀa for a rows × d row-major matrix, four rows per pass so each Gram
   * entry is loaded and stored once per four rows (the loop is memory-bound otherwise).
   */
  static double[] upperGram(double[] a, int rows, int d) {
    double[] g = new double[d * d];
    addUpperGram(g, a, rows, d);
    return g;
  }

  /**
   * The upper triangle of Σ (r - m)(r - m)ᵀ over the batch rows r with column means m.
   *
   * <p>Rows after one-hot encoding are mostly zeros, so the product runs over each row's non-zero
   * entries only: columns that are zero in at most half the rows are centred first (as a dense
   * product would), the mostly-zero ones are not (keeping them sparse) and are corrected afterwards
   * with Σ y_i y_j - n δ_i δ_j, δ = the uncentred columns' means. A mostly-zero column has mean² ≤
   * mean of squares / 2, so that subtraction loses at most a bit of precision.
   *
   * @param rows row-major; the batch is its {@code n} rows from row {@code first}
   */
  static double[] centredGram(double[] rows, int first, int n, double[] means, int d) {
    int from = first * d;
    int to = from + n * d;
    int[] zeros = new int[d];
    for (int at = from; at < to; at += d) {
      for (int j = 0; j < d; j++) {
        if (rows[at + j] == 0) {
          zeros[j]++;
        }
      }
    }
    boolean[] sparse = new boolean[d];
    double[] shift = new double[d];
    int sparseColumns = 0;
    for (int j = 0; j < d; j++) {
      sparse[j] = 2 * zeros[j] > n;
      if (sparse[j]) {
        sparseColumns++;
      } else {
        shift[j] = means[j];
      }
    }
    double[] g = new double[d * d];
    if (4 * sparseColumns < d) {
      double[] centred = new double[n * d];
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < d; j++) {
          centred[r * d + j] = rows[from + r * d + j] - means[j];
        }
      }
      addUpperGram(g, centred, n, d);
      return g;
    }
    int[] index = new int[d];
    double[] value = new double[d];
    for (int at = from; at < to; at += d) {
      int nonZero = 0;
      for (int j = 0; j < d; j++) {
        double y = rows[at + j] - shift[j];
        if (y != 0) {
          index[nonZero] = j;
          value[nonZero] = y;
          nonZero++;
        }
      }
      for (int a = 0; a < nonZero; a++) {
        int gi = index[a] * d;
        double ya = value[a];
        for (int b = a; b < nonZero; b++) {
          g[gi + index[b]] += ya * value[b];
        }
      }
    }
    for (int i = 0; i < d; i++) {
      if (!sparse[i]) {
        continue;
      }
      for (int j = i; j < d; j++) {
        if (sparse[j]) {
          g[i * d + j] -= n * means[i] * means[j];
        }
      }
    }
    return g;
  }

  /** Adds the upper triangle of aᵀa for a rows × d row-major matrix to g. */
  static void addUpperGram(double[] g, double[] a, int rows, int d) {
    int row = 0;
    for (; row + 3 < rows; row += 4) {
      int o0 = row * d;
      int o1 = o0 + d;
      int o2 = o1 + d;
      int o3 = o2 + d;
      for (int i = 0; i < d; i++) {
        double x0 = a[o0 + i];
        double x1 = a[o1 + i];
        double x2 = a[o2 + i];
        double x3 = a[o3 + i];
        int gi = i * d;
        for (int j = i; j < d; j++) {
          g[gi + j] += x0 * a[o0 + j] + x1 * a[o1 + j] + x2 * a[o2 + j] + x3 * a[o3 + j];
        }
      }
    }
    for (; row < rows; row++) {
      int offset = row * d;
      for (int i = 0; i < d; i++) {
        double xi = a[offset + i];
        int gi = i * d;
        for (int j = i; j < d; j++) {
          g[gi + j] += xi * a[offset + j];
        }
      }
    }
  }

  @Override
  public Frame transform(Frame in) {
    requireNoRunningFit();
    Frame out = Frame.ofWidth(k);
    if (components == null) {
      return out;
    }
    if (projection == null) {
      prepareProjection();
    }
    // the terms first (a one-hot row has few), then each group of four components summed in
    // registers over them, in the same order as one loop over the columns would
    double[] x = in.numbers;
    int[] columns = termColumns;
    double[] terms = termValues;
    int count = 0;
    for (int j = 0; j < d; j++) {
      double t;
      if (projection.uncentred[j]) {
        if (x[j] == 0) {
          continue;
        }
        t = x[j];
      } else {
        t = x[j] - mean[j];
      }
      columns[count] = j * k;
      terms[count] = t;
      count++;
    }
    double[] sums = out.numbers;
    double[] byFeature = projection.byFeature;
    double[] offsets = projection.offsets;
    int c = 0;
    for (; c + 3 < k; c += 4) {
      double s0 = offsets[c];
      double s1 = offsets[c + 1];
      double s2 = offsets[c + 2];
      double s3 = offsets[c + 3];
      for (int i = 0; i < count; i++) {
        int at = columns[i] + c;
        double t = terms[i];
        s0 += t * byFeature[at];
        s1 += t * byFeature[at + 1];
        s2 += t * byFeature[at + 2];
        s3 += t * byFeature[at + 3];
      }
      sums[c] = s0;
      sums[c + 1] = s1;
      sums[c + 2] = s2;
      sums[c + 3] = s3;
    }
    for (; c < k; c++) {
      double s = offsets[c];
      for (int i = 0; i < count; i++) {
        s += terms[i] * byFeature[columns[i] + c];
      }
      sums[c] = s;
    }
    return out;
  }

  /**
   * (x - mean)·component, rearranged so a zero input costs nothing: for a column whose mean is
   * small next to its spread (one-hot slots, scaled columns) the term -mean·component goes into a
   * constant per component and only non-zero inputs are multiplied; a column with a large mean is
   * centred first as before, so no precision is lost to cancellation.
   *
   * @param byFeature the components transposed: feature j's loadings at [j * k, j * k + k)
   */
  private record Projection(double[] byFeature, double[] offsets, boolean[] uncentred) {}

  private void prepareProjection() {
    double[] byFeature = new double[d * k];
    double[] offsets = new double[k];
    boolean[] uncentred = new boolean[d];
    for (int j = 0; j < d; j++) {
      uncentred[j] = Math.abs(mean[j]) <= 10 * Math.sqrt(Math.max(0, variance[j]));
      for (int c = 0; c < k; c++) {
        byFeature[j * k + c] = components[c][j];
        if (uncentred[j]) {
          offsets[c] -= mean[j] * components[c][j];
        }
      }
    }
    projection = new Projection(byFeature, offsets, uncentred);
  }

  @Override
  public void save(ObjectNode node) {
    requireNoRunningFit();
    saveForServing(node);
    node.put("pendingRows", pendingCount);
    node.set("pending", Json.packedRows(pendingRows, pendingCount, d));
  }

  @Override
  public void saveForServing(ObjectNode node) {
    requireNoRunningFit();
    node.set("features", Json.strings(inputNames));
    node.put("batchSize", batchSize);
    node.put("samplesSeen", seen);
    node.set("mean", Json.array(mean));
    node.set("variance", Json.array(variance));
    if (components != null) {
      node.set("components", Json.matrix(components));
      node.set("singularValues", Json.array(singularValues));
    }
    node.put("pendingRows", 0);
  }

  @Override
  public void load(JsonNode node) {
    awaitFit();
    seen = node.get("samplesSeen").asLong();
    mean = Json.doubles(node.get("mean"));
    variance = Json.doubles(node.get("variance"));
    if (node.has("components")) {
      components = Json.matrix(node.get("components"));
      projection = null;
      singularValues = Json.doubles(node.get("singularValues"));
    }
    pendingCount = 0;
    if (node.has("pending")) {
      double[] restored = Json.unpackRows(node.get("pending"), d);
      if (restored.length > pendingRows.length) {
        pendingRows = new double[restored.length];
      }
      System.arraycopy(restored, 0, pendingRows, 0, restored.length);
      pendingCount = restored.length / d;
    }
  }
}
