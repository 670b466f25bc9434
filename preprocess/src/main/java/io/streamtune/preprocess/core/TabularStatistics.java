package io.streamtune.preprocess.core;

import java.util.Arrays;

/**
 * Running per-column statistics fitted on training rows only: count, mean and sum of squared
 * deviations (Welford) of each numeric column, and how often each spec category was seen in each
 * categorical column (for the mode). Values outside the spec's categories are counted in a last
 * slot but never become the mode.
 *
 * <p>It lives in Flink keyed state, so it is a POJO (public no-argument constructor, getters and
 * setters) that Flink serializes without Kryo and can evolve.
 */
public class TabularStatistics {

  private long version;
  private long[] numericCounts = new long[0];
  private double[] numericMeans = new double[0];
  private double[] numericSquaredDeviations = new double[0];
  private long[][] categoryCounts = new long[0][];

  /** For Flink's POJO serializer; use {@link #empty(TabularLayout)}. */
  public TabularStatistics() {}

  public static TabularStatistics empty(TabularLayout layout) {
    TabularStatistics statistics = new TabularStatistics();
    statistics.numericCounts = new long[layout.numericCount()];
    statistics.numericMeans = new double[layout.numericCount()];
    statistics.numericSquaredDeviations = new double[layout.numericCount()];
    statistics.categoryCounts = new long[layout.categoricalCount()][];
    for (TabularLayout.Column column : layout.categoricalColumns()) {
      statistics.categoryCounts[column.index()] = new long[column.categories().size() + 1];
    }
    return statistics;
  }

  /** Adds one training row; missing values are not counted. */
  public void fit(ValidatedRow row, TabularLayout layout) {
    double[] numerics = row.numericValues();
    for (int i = 0; i < numerics.length; i++) {
      double x = numerics[i];
      if (Double.isNaN(x)) {
        continue;
      }
      long n = ++numericCounts[i];
      double delta = x - numericMeans[i];
      numericMeans[i] += delta / n;
      numericSquaredDeviations[i] += delta * (x - numericMeans[i]);
    }
    String[] categoricals = row.categoricalValues();
    for (int i = 0; i < categoricals.length; i++) {
      if (categoricals[i] == null) {
        continue;
      }
      int category = layout.categoryIndex(i, categoricals[i]);
      long[] counts = categoryCounts[i];
      counts[category < 0 ? counts.length - 1 : category]++;
    }
    version++;
  }

  /** Number of training rows fitted; stamped on every example as its transform version. */
  public long version() {
    return version;
  }

  /** Non-missing values seen in a numeric column. */
  public long count(int numericIndex) {
    return numericCounts[numericIndex];
  }

  /** Mean of a numeric column; 0 before any value was seen. */
  public double mean(int numericIndex) {
    return numericMeans[numericIndex];
  }

  /** Population variance (divides by n, like scikit-learn's StandardScaler); 0 below two values. */
  public double variance(int numericIndex) {
    long n = numericCounts[numericIndex];
    return n == 0 ? 0 : numericSquaredDeviations[numericIndex] / n;
  }

  public double std(int numericIndex) {
    return Math.sqrt(variance(numericIndex));
  }

  /** How often a spec category was seen; {@code categoryIndex == categories.size()} is unseen. */
  public long categoryCount(int categoricalIndex, int categoryIndex) {
    return categoryCounts[categoricalIndex][categoryIndex];
  }

  /** The most frequent spec category; ties and an empty column go to the first in spec order. */
  public int modeIndex(int categoricalIndex) {
    long[] counts = categoryCounts[categoricalIndex];
    int best = 0;
    for (int i = 1; i < counts.length - 1; i++) {
      if (counts[i] > counts[best]) {
        best = i;
      }
    }
    return best;
  }

  // Getters and setters below exist for Flink's POJO serializer.

  public long getVersion() {
    return version;
  }

  public void setVersion(long version) {
    this.version = version;
  }

  public long[] getNumericCounts() {
    return numericCounts;
  }

  public void setNumericCounts(long[] numericCounts) {
    this.numericCounts = numericCounts;
  }

  public double[] getNumericMeans() {
    return numericMeans;
  }

  public void setNumericMeans(double[] numericMeans) {
    this.numericMeans = numericMeans;
  }

  public double[] getNumericSquaredDeviations() {
    return numericSquaredDeviations;
  }

  public void setNumericSquaredDeviations(double[] numericSquaredDeviations) {
    this.numericSquaredDeviations = numericSquaredDeviations;
  }

  public long[][] getCategoryCounts() {
    return categoryCounts;
  }

  public void setCategoryCounts(long[][] categoryCounts) {
    this.categoryCounts = categoryCounts;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TabularStatistics that
        && version == that.version
        && Arrays.equals(numericCounts, that.numericCounts)
        && Arrays.equals(numericMeans, that.numericMeans)
        && Arrays.equals(numericSquaredDeviations, that.numericSquaredDeviations)
        && Arrays.deepEquals(categoryCounts, that.categoryCounts);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(numericMeans);
  }

  @Override
  public String toString() {
    return "TabularStatistics[version="
        + version
        + ", counts="
        + Arrays.toString(numericCounts)
        + ", means="
        + Arrays.toString(numericMeans)
        + ", categoryCounts="
        + Arrays.deepToString(categoryCounts)
        + "]";
  }
}
