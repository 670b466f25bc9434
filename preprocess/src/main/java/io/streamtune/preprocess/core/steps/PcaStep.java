package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Incremental PCA, the algorithm of scikit-learn's IncrementalPCA (Ross et al.): each batch of rows
 * is centred and stacked under the current components (scaled by their singular values) and a
 * mean-correction row, and the stack's leading right singular vectors (the top eigenvectors of its
 * Gram matrix) are the new components. Signs follow svd_flip (largest |loading| of each component
 * positive). In a stream rows wait in a pending batch; before the first batch is fitted the output
 * is all zeros.
 */
final class PcaStep implements Step {

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

  PcaStep(String[] inputNames, int components, int batchSize) {
    this.inputNames = inputNames;
    this.d = inputNames.length;
    this.k = components;
    this.batchSize = batchSize;
    this.mean = new double[d];
    this.variance = new double[d];
  }

  @Override
  public void fit(Frame in, int label) {
    if (!allFinite(in.numbers)) {
      return;
    }
    pending.add(in.numbers.clone());
    if (pending.size() >= batchSize) {
      partialFit(pending);
      pending.clear();
    }
  }

  /** Batches like scikit-learn's fit: gen_batches(n, batchSize, min_batch_size=k). */
  @Override
  public void fitAll(List<Frame> rows, int[] labels) {
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

  private void partialFit(List<double[]> batch) {
    int n = batch.size();
    if (n < k) {
      return;
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
    int rows = seen == 0 ? n : components.length + n + 1;
    DMatrixRMaj x = new DMatrixRMaj(rows, d);
    int r = 0;
    if (seen == 0) {
      for (double[] row : batch) {
        for (int j = 0; j < d; j++) {
          x.set(r, j, row[j] - newMean[j]);
        }
        r++;
      }
    } else {
      for (int c = 0; c < components.length; c++) {
        for (int j = 0; j < d; j++) {
          x.set(r, j, singularValues[c] * components[c][j]);
        }
        r++;
      }
      for (double[] row : batch) {
        for (int j = 0; j < d; j++) {
          x.set(r, j, row[j] - batchMean[j]);
        }
        r++;
      }
      double factor = Math.sqrt(((double) seen / total) * n);
      for (int j = 0; j < d; j++) {
        x.set(r, j, factor * (mean[j] - batchMean[j]));
      }
    }
    // The top-k right singular vectors of the stack are the top-k eigenvectors of its Gram matrix
    // (d x d): cheaper than a thin SVD of the (k + n + 1) x d stack, and as accurate for the
    // leading components that are kept.
    DMatrixRMaj gram = new DMatrixRMaj(d, d);
    double[] g = gram.data;
    double[] a = x.data;
    for (int row = 0; row < rows; row++) {
      int offset = row * d;
      for (int i = 0; i < d; i++) {
        double xi = a[offset + i];
        if (xi == 0) {
          continue;
        }
        int gi = i * d;
        for (int j = i; j < d; j++) {
          g[gi + j] += xi * a[offset + j];
        }
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        g[i * d + j] = g[j * d + i];
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(gram)) {
      throw new ArithmeticException("eigen decomposition did not converge");
    }
    Integer[] order = new Integer[d];
    double[] eigenvalues = new double[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
      eigenvalues[i] = eig.getEigenvalue(i).getReal();
    }
    java.util.Arrays.sort(order, (p, q) -> Double.compare(eigenvalues[q], eigenvalues[p]));
    double[][] newComponents = new double[k][d];
    double[] newSingular = new double[k];
    for (int c = 0; c < k; c++) {
      newSingular[c] = Math.sqrt(Math.max(0, eigenvalues[order[c]]));
      DMatrixRMaj vector = eig.getEigenVector(order[c]);
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += vector.get(j) * vector.get(j);
      }
      norm = Math.sqrt(norm);
      int largest = 0;
      for (int j = 0; j < d; j++) {
        newComponents[c][j] = vector.get(j) / norm;
        if (Math.abs(newComponents[c][j]) > Math.abs(newComponents[c][largest])) {
          largest = j;
        }
      }
      if (newComponents[c][largest] < 0) {
        for (int j = 0; j < d; j++) {
          newComponents[c][j] = -newComponents[c][j];
        }
      }
    }
    seen = total;
    mean = newMean;
    variance = newVariance;
    components = newComponents;
    singularValues = newSingular;
  }

  @Override
  public Frame transform(Frame in) {
    Frame out = Frame.ofWidth(k);
    if (components == null) {
      return out;
    }
    for (int c = 0; c < k; c++) {
      double sum = 0;
      double[] component = components[c];
      for (int j = 0; j < d; j++) {
        sum += (in.numbers[j] - mean[j]) * component[j];
      }
      out.numbers[c] = sum;
    }
    return out;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("features", Json.strings(inputNames));
    node.put("batchSize", batchSize);
    node.put("samplesSeen", seen);
    node.set("mean", Json.array(mean));
    node.set("variance", Json.array(variance));
    if (components != null) {
      node.set("components", Json.matrix(components));
      node.set("singularValues", Json.array(singularValues));
    }
    ArrayNode rows = node.putArray("pending");
    pending.forEach(row -> rows.add(Json.array(row)));
  }

  @Override
  public void load(JsonNode node) {
    seen = node.get("samplesSeen").asLong();
    mean = Json.doubles(node.get("mean"));
    variance = Json.doubles(node.get("variance"));
    if (node.has("components")) {
      components = Json.matrix(node.get("components"));
      singularValues = Json.doubles(node.get("singularValues"));
    }
    pending.clear();
    node.get("pending").forEach(row -> pending.add(Json.doubles(row)));
  }
}
