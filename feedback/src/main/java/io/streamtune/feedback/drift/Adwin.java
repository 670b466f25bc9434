package io.streamtune.feedback.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ADWIN (ADaptive WINdowing, Bifet &amp; Gavaldà 2007) in its exponential-histogram form ADWIN2: a
 * window of the most recent values, summarised in buckets of 2<sup>i</sup> values (at most {@value
 * #MAX_BUCKETS} per size), that is cut whenever two sub-windows have means further apart than the
 * Hoeffding-style bound ε<sub>cut</sub> allows at confidence δ.
 *
 * <p>The details follow MOA's {@code moa.classifiers.core.driftdetection.ADWIN}, so both report a
 * change at the same input for the same values ({@code AdwinTest} checks it against MOA): cuts are
 * checked every {@link #clock} inputs once the window holds more than 10 values, both sub-windows
 * must hold more than {@code minSubWindow + 1} values, ε<sub>cut</sub> = √(2·m·σ²·d) + ⅔·d·m with d
 * = ln(2·ln(n)/δ), m = 1/(n₀−4) + 1/(n₁−4) and σ² the variance of the whole window; after a cut the
 * oldest bucket is dropped and the check repeats.
 *
 * <p>Not thread-safe. {@link #state()} and {@link #restore(State)} carry the whole state (a Kafka
 * Streams store keeps it between records).
 */
public final class Adwin {

  public static final double DEFAULT_DELTA = 0.002;
  public static final int DEFAULT_CLOCK = 32;
  public static final int DEFAULT_MIN_SUB_WINDOW = 5;

  /** Buckets of one size before two are merged into one of the next size. */
  public static final int MAX_BUCKETS = 5;

  /** No cut is looked for until the window holds more values than this (MOA's constant). */
  private static final int MIN_WINDOW_FOR_CUT = 10;

  /**
   * The serializable state.
   *
   * @param rowTotals per bucket size 2<sup>i</sup> (row i), the totals of its buckets, oldest first
   * @param rowVariances the same for the buckets' variance sums
   */
  public record State(
      double delta,
      int clock,
      int minSubWindow,
      long time,
      int width,
      double total,
      double variance,
      double[][] rowTotals,
      double[][] rowVariances) {}

  /** Where the last cut split the window, for the reason of a retrain request. */
  public record Cut(
      int windowLength,
      int olderLength,
      int recentLength,
      double olderMean,
      double recentMean,
      double difference,
      double epsilon) {}

  private final double delta;
  private final int clock;
  private final int minSubWindow;
  private long time;
  private int width;
  private double total;
  private double variance;
  // rows.get(i) holds the buckets of 2^i values, oldest first
  private final List<Row> rows = new ArrayList<>();
  private Cut lastCut;
  // The first cut of an add() describes the change; later ones only shrink the window further.
  private boolean lastCutPending = true;

  public Adwin() {
    this(DEFAULT_DELTA, DEFAULT_CLOCK, DEFAULT_MIN_SUB_WINDOW);
  }

  public Adwin(double delta) {
    this(delta, DEFAULT_CLOCK, DEFAULT_MIN_SUB_WINDOW);
  }

  /**
   * @param delta confidence of a cut: the chance of a false cut per check is bounded by about δ
   * @param clock a cut is looked for every {@code clock} inputs
   * @param minSubWindow a sub-window must hold more than {@code minSubWindow + 1} values
   */
  public Adwin(double delta, int clock, int minSubWindow) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (clock < 1) {
      throw new IllegalArgumentException("clock must be at least 1, got " + clock);
    }
    if (minSubWindow < 1) {
      throw new IllegalArgumentException("minSubWindow must be at least 1, got " + minSubWindow);
    }
    this.delta = delta;
    this.clock = clock;
    this.minSubWindow = minSubWindow;
    rows.add(new Row());
  }

  /** An ADWIN in exactly the state {@code state} describes. */
  public static Adwin restore(State state) {
    Adwin adwin = new Adwin(state.delta(), state.clock(), state.minSubWindow());
    adwin.time = state.time();
    adwin.width = state.width();
    adwin.total = state.total();
    adwin.variance = state.variance();
    adwin.rows.clear();
    for (int i = 0; i < state.rowTotals().length; i++) {
      Row row = new Row();
      row.size = state.rowTotals()[i].length;
      System.arraycopy(state.rowTotals()[i], 0, row.totals, 0, row.size);
      System.arraycopy(state.rowVariances()[i], 0, row.variances, 0, row.size);
      adwin.rows.add(row);
    }
    return adwin;
  }

  public State state() {
    double[][] totals = new double[rows.size()][];
    double[][] variances = new double[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      totals[i] = Arrays.copyOf(row.totals, row.size);
      variances[i] = Arrays.copyOf(row.variances, row.size);
    }
    return new State(delta, clock, minSubWindow, time, width, total, variance, totals, variances);
  }

  /**
   * Adds a value.
   *
   * @return whether the window was cut (a change in the mean was detected)
   */
  public boolean add(double value) {
    time++;
    insert(value);
    boolean changed = false;
    if (time % clock == 0 && width > MIN_WINDOW_FOR_CUT) {
      boolean cutAgain = true;
      while (cutAgain) {
        cutAgain = cutOnce();
        changed |= cutAgain;
      }
    }
    return changed;
  }

  /** Looks for one cut, oldest buckets first; drops the oldest bucket when it finds one. */
  private boolean cutOnce() {
    int n0 = 0;
    int n1 = width;
    double u0 = 0;
    double u1 = total;
    for (int i = rows.size() - 1; i >= 0; i--) {
      Row row = rows.get(i);
      int bucketSize = 1 << i;
      for (int k = 0; k < row.size; k++) {
        n0 += bucketSize;
        n1 -= bucketSize;
        u0 += row.totals[k];
        u1 -= row.totals[k];
        if (i == 0 && k == row.size - 1) {
          return false; // the newest bucket: nothing is left on the recent side
        }
        double difference = (u0 / n0) - (u1 / n1);
        if (n1 > minSubWindow + 1 && n0 > minSubWindow + 1) {
          double epsilon = epsilonCut(n0, n1);
          if (Math.abs(difference) > epsilon) {
            if (lastCutPending) {
              lastCut = new Cut(width, n0, n1, u0 / n0, u1 / n1, Math.abs(difference), epsilon);
              lastCutPending = false;
            }
            if (width > 0) {
              deleteOldestBucket();
            }
            return true;
          }
        }
      }
    }
    return false;
  }

  private double epsilonCut(int n0, int n1) {
    int n = width;
    double dd = Math.log(2 * Math.log(n) / delta);
    double v = variance / width;
    double m = ((double) 1 / (n0 - minSubWindow + 1)) + ((double) 1 / (n1 - minSubWindow + 1));
    // same evaluation order as MOA, so the bound is the same double
    return Math.sqrt(2 * m * v * dd) + (double) 2 / 3 * dd * m;
  }

  private void insert(double value) {
    lastCutPending = true;
    width++;
    rows.get(0).append(value, 0);
    double increment = 0;
    if (width > 1) {
      increment =
          (width - 1) * (value - total / (width - 1)) * (value - total / (width - 1)) / width;
    }
    variance += increment;
    total += value;
    compress();
  }

  private void compress() {
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      if (row.size != MAX_BUCKETS + 1) {
        return;
      }
      if (i + 1 == rows.size()) {
        rows.add(new Row());
      }
      Row next = rows.get(i + 1);
      int n1 = 1 << i;
      int n2 = 1 << i;
      double u1 = row.totals[0] / n1;
      double u2 = row.totals[1] / n2;
      // int product as in MOA (it wraps for buckets of 2^16 values, windows of millions)
      double increment = n1 * n2 * (u1 - u2) * (u1 - u2) / (n1 + n2);
      next.append(row.totals[0] + row.totals[1], row.variances[0] + row.variances[1] + increment);
      row.dropOldest(2);
      if (next.size <= MAX_BUCKETS) {
        return;
      }
    }
  }

  private void deleteOldestBucket() {
    int last = rows.size() - 1;
    Row row = rows.get(last);
    int n1 = 1 << last;
    width -= n1;
    total -= row.totals[0];
    double u1 = row.totals[0] / n1;
    // int product as in MOA
    double increment =
        row.variances[0] + n1 * width * (u1 - total / width) * (u1 - total / width) / (n1 + width);
    variance -= increment;
    row.dropOldest(1);
    if (row.size == 0) {
      rows.remove(last);
    }
  }

  /** Values in the window. */
  public int width() {
    return width;
  }

  /** Mean of the window; NaN when it is empty. */
  public double estimation() {
    return total / width;
  }

  /** Values added since this ADWIN was created. */
  public long time() {
    return time;
  }

  public double delta() {
    return delta;
  }

  /** The first cut of the last {@link #add} that returned true; null before any. */
  public Cut lastCut() {
    return lastCut;
  }

  private static final class Row {
    final double[] totals = new double[MAX_BUCKETS + 1];
    final double[] variances = new double[MAX_BUCKETS + 1];
    int size;

    void append(double bucketTotal, double bucketVariance) {
      totals[size] = bucketTotal;
      variances[size] = bucketVariance;
      size++;
    }

    void dropOldest(int count) {
      System.arraycopy(totals, count, totals, 0, size - count);
      System.arraycopy(variances, count, variances, 0, size - count);
      for (int k = size - count; k < size; k++) {
        totals[k] = 0;
        variances[k] = 0;
      }
      size -= count;
    }
  }
}
