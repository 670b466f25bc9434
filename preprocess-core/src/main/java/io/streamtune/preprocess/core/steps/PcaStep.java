package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;
import java.util.ArrayList;
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
  private final List<double[]> pending = new ArrayList<>();
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
    this.termColumns = new int[d];
    this.termValues = new double[d];
  }

  @Override
  public void fit(Frame in, int label) {
    if (!allFinite(in.numbers)) {
      return;
    }
    pending.add(in.numbers.clone());
    if (pending.size() >= batchSize) {
      if (fitExecutor == null) {
        partialFit(pending);
        pending.clear();
        return;
      }
      awaitFit();
      Fitted before = fitted();
      List<double[]> batch = new ArrayList<>(pending);
      pending.clear();
      runningFit =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> partialFit(before, batch, d, k), fitExecutor);
    }
  }

  @Override
  public void fitInBackground(java.util.concurrent.Executor executor) {
    awaitFit();
    fitExecutor = executor;
  }

  @Override
  public boolean startsFit(Frame in) {
    return fitExecutor != null && pending.size() + 1 >= batchSize && allFinite(in.numbers);
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
    List<double[]> finite = new ArrayList<>();
    for (Frame row : rows) {
      if (allFinite(row.numbers)) {
        finite.add(row.numbers.clone());
      }
    }
    int n = finite.size();
    int start = 0;
    for (int b = 0; b < n / batchSize; b++) {
      int end = start + batchSize;
      if (end + k > n) {
        continue;
      }
      partialFit(finite.subList(start, end));
      start = end;
    }
    if (start < n && n - start >= k) {
      partialFit(finite.subList(start, n));
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

  private void partialFit(List<double[]> batch) {
    apply(partialFit(fitted(), batch, d, k));
  }

  /**
   * scikit-learn's IncrementalPCA.partial_fit on one batch; reads {@code before}, changes nothing
   * (a background fit runs it on another thread while the caller goes on collecting rows).
   */
  private static Fitted partialFit(Fitted before, List<double[]> batch, int d, int k) {
    long seen = before.seen();
    double[] mean = before.mean();
    double[] variance = before.variance();
    double[][] components = before.components();
    double[] singularValues = before.singular();
    int n = batch.size();
    if (n < k) {
      return before;
    }
    double[] batchSum = new double[d];
    for (double[] row : batch) {
      for (int j = 0; j < d; j++) {
        batchSum[j] += row[j];
      }
    }
    double[] batchMean = new double[d];
    for (int j = 0; j < d; j++) {
      batchMean[j] = batchSum[j] / n;
    }
    long total = seen + n;
    // scikit-learn's _incremental_mean_and_var
    double[] newMean = new double[d];
    double[] newVariance = new double[d];
    for (int j = 0; j < d; j++) {
      double lastSum = mean[j] * seen;
      newMean[j] = (lastSum + batchSum[j]) / total;
      double correction = 0;
      double squares = 0;
      for (double[] row : batch) {
        double t = row[j] - batchMean[j];
        correction += t;
        squares += t * t;
      }
      double newUnnormalized = squares - correction * correction / n;
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
    double[] gram = centredGram(batch, batchMean, d);
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
   */
  static double[] centredGram(List<double[]> batch, double[] means, int d) {
    int n = batch.size();
    int[] zeros = new int[d];
    for (double[] row : batch) {
      for (int j = 0; j < d; j++) {
        if (row[j] == 0) {
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
        double[] row = batch.get(r);
        for (int j = 0; j < d; j++) {
          centred[r * d + j] = row[j] - means[j];
        }
      }
      addUpperGram(g, centred, n, d);
      return g;
    }
    int[] index = new int[d];
    double[] value = new double[d];
    for (double[] row : batch) {
      int nonZero = 0;
      for (int j = 0; j < d; j++) {
        double y = row[j] - shift[j];
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
    node.put("pendingRows", pending.size());
    node.set("pending", Json.packedRows(pending, d));
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
    pending.clear();
    if (node.has("pending")) {
      pending.addAll(Json.unpackRows(node.get("pending"), d));
    }
  }
}
