package io.streamtune.preprocess.core.steps;

import java.util.Arrays;
import java.util.Random;

/**
 * Mutual information between each continuous feature and a discrete label, estimated like
 * scikit-learn's {@code mutual_info_classif}: features scaled to unit variance, a tiny noise added
 * to break ties, then Ross's nearest-neighbour estimator (B. C. Ross, PLoS ONE 9(2), 2014).
 */
final class MutualInformation {

  private MutualInformation() {}

  /**
   * @param columns one array of n values per feature (finite)
   * @param labels n class indexes
   */
  static double[] scores(double[][] columns, int[] labels, int neighbors, long seed) {
    int d = columns.length;
    int n = labels.length;
    double[][] x = new double[d][];
    for (int j = 0; j < d; j++) {
      x[j] = columns[j].clone();
      double mean = 0;
      for (double v : x[j]) {
        mean += v;
      }
      mean /= n;
      double variance = 0;
      for (double v : x[j]) {
        variance += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(variance / n);
      double scale = std < 10 * Math.ulp(1.0) ? 1.0 : std;
      for (int i = 0; i < n; i++) {
        x[j][i] /= scale;
      }
    }
    double[] noiseScale = new double[d];
    for (int j = 0; j < d; j++) {
      double meanAbs = 0;
      for (double v : x[j]) {
        meanAbs += Math.abs(v);
      }
      noiseScale[j] = 1e-10 * Math.max(1, meanAbs / n);
    }
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[j][i] += noiseScale[j] * random.nextGaussian();
      }
    }
    double[] scores = new double[d];
    for (int j = 0; j < d; j++) {
      scores[j] = continuousDiscrete(x[j], labels, neighbors);
    }
    return scores;
  }

  /** scikit-learn's {@code _compute_mi_cd} for one feature. */
  static double continuousDiscrete(double[] c, int[] labels, int neighbors) {
    int n = c.length;
    int classes = 0;
    for (int label : labels) {
      classes = Math.max(classes, label + 1);
    }
    int[] classCounts = new int[classes];
    for (int label : labels) {
      classCounts[label]++;
    }
    double[] radius = new double[n];
    int[] kOf = new int[n];
    for (int label = 0; label < classes; label++) {
      int count = classCounts[label];
      if (count <= 1) {
        continue;
      }
      int k = Math.min(neighbors, count - 1);
      int[] members = new int[count];
      int at = 0;
      for (int i = 0; i < n; i++) {
        if (labels[i] == label) {
          members[at++] = i;
        }
      }
      double[] values = new double[count];
      Integer[] order = new Integer[count];
      for (int m = 0; m < count; m++) {
        order[m] = m;
      }
      Arrays.sort(order, (p, q) -> Double.compare(c[members[p]], c[members[q]]));
      for (int m = 0; m < count; m++) {
        values[m] = c[members[order[m]]];
      }
      for (int m = 0; m < count; m++) {
        double kth = kthNeighbourDistance(values, m, k);
        int row = members[order[m]];
        radius[row] = Math.nextDown(kth);
        if (kth == 0) {
          radius[row] = 0;
        }
        kOf[row] = k;
      }
    }
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (classCounts[labels[i]] > 1) {
        kept++;
      }
    }
    double[] sorted = new double[kept];
    int at = 0;
    for (int i = 0; i < n; i++) {
      if (classCounts[labels[i]] > 1) {
        sorted[at++] = c[i];
      }
    }
    Arrays.sort(sorted);
    double sumK = 0;
    double sumLabel = 0;
    double sumM = 0;
    for (int i = 0; i < n; i++) {
      if (classCounts[labels[i]] <= 1) {
        continue;
      }
      int m = countWithin(sorted, c[i], radius[i]);
      sumK += Numerics.digamma(kOf[i]);
      sumLabel += Numerics.digamma(classCounts[labels[i]]);
      sumM += Numerics.digamma(m);
    }
    double mi = Numerics.digamma(kept) + sumK / kept - sumLabel / kept - sumM / kept;
    return Math.max(0, mi);
  }

  /** Distance from values[m] to its k-th nearest other value in the sorted array. */
  private static double kthNeighbourDistance(double[] sorted, int m, int k) {
    int left = m - 1;
    int right = m + 1;
    double distance = 0;
    for (int found = 0; found < k; found++) {
      double toLeft = left >= 0 ? sorted[m] - sorted[left] : Double.POSITIVE_INFINITY;
      double toRight = right < sorted.length ? sorted[right] - sorted[m] : Double.POSITIVE_INFINITY;
      if (toLeft <= toRight) {
        distance = toLeft;
        left--;
      } else {
        distance = toRight;
        right++;
      }
    }
    return distance;
  }

  /** How many sorted values lie within {@code radius} of {@code center} (itself included). */
  private static int countWithin(double[] sorted, double center, double radius) {
    int lo = lowerBound(sorted, center - radius);
    while (lo > 0 && Math.abs(sorted[lo - 1] - center) <= radius) {
      lo--;
    }
    while (lo < sorted.length && Math.abs(sorted[lo] - center) > radius) {
      lo++;
    }
    int hi = lowerBound(sorted, center + radius);
    while (hi < sorted.length && Math.abs(sorted[hi] - center) <= radius) {
      hi++;
    }
    while (hi > lo && Math.abs(sorted[hi - 1] - center) > radius) {
      hi--;
    }
    return hi - lo;
  }

  private static int lowerBound(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
