package io.streamtune.serve;

import io.streamtune.preprocess.core.TabularLayout;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.preprocess.core.steps.ReferenceProfile.FeatureReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Input drift of the served requests: the population stability index of each input column over
 * consecutive windows of {@code window} served rows, against the distribution the champion's
 * transform was fitted on ({@code TabularTransform.reference()}):
 *
 * <pre>PSI = Σ_bins (actual − expected) · ln(actual / expected)</pre>
 *
 * with both shares floored at {@value #FLOOR} so an empty bin counts as rare rather than infinite.
 * A column whose PSI exceeds the threshold raises one {@link Alert} for that window (at most one
 * per column per window). Rule of thumb: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 a
 * shift.
 *
 * <p>Pure and not thread-safe; {@link #checkpoint} / {@link #restore} let a caller take back the
 * rows of a batch it did not commit.
 */
public final class InputDrift {

  private static final Logger LOG = LoggerFactory.getLogger(InputDrift.class);

  /** The smallest share a bin counts with. */
  public static final double FLOOR = 1e-4;

  /**
   * A column that drifted in one window.
   *
   * @param windowFrom first served row of the window (1-based count since this champion)
   * @param windowTo last served row of the window
   */
  public record Alert(
      String feature,
      double psi,
      double threshold,
      long windowFrom,
      long windowTo,
      String reason) {}

  /** The counts so far, to return to. */
  public record State(long observed, long[][] counts) {}

  private final TabularLayout layout;
  private final List<FeatureReference> features;
  private final int window;
  private final double threshold;
  private long observed;
  private long[][] counts;

  /**
   * @param layout the layout the served rows are validated against (the reference's columns)
   * @param reference each column's training bins
   */
  public InputDrift(
      TabularLayout layout, List<FeatureReference> reference, int window, double threshold) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
    }
    this.layout = layout;
    this.features = List.copyOf(reference);
    this.window = window;
    this.threshold = threshold;
    this.counts = emptyCounts();
  }

  /**
   * The champion's input-drift monitor: tabular, with a training reference over the served spec's
   * columns.
   *
   * @return null when {@code model} has none to compare with
   */
  static InputDrift forChampion(ServingModel model, ServeConfig config) {
    if (model.transform() == null) {
      return null;
    }
    var reference = model.transform().reference();
    if (reference.isEmpty() || reference.get().rows() == 0) {
      LOG.info("v{} has no training reference: no input-drift monitor", model.versionNumber());
      return null;
    }
    TabularLayout served = TabularLayout.of(config.spec());
    if (!served.columns().equals(TabularLayout.of(model.transform().spec()).columns())) {
      LOG.warn(
          "v{} was fitted on other columns than the served spec's: no input-drift monitor",
          model.versionNumber());
      return null;
    }
    return new InputDrift(
        served, reference.get().features(), config.driftWindow(), config.driftPsiThreshold());
  }

  private long[][] emptyCounts() {
    long[][] empty = new long[features.size()][];
    for (int f = 0; f < features.size(); f++) {
      empty[f] = new long[features.get(f).bins()];
    }
    return empty;
  }

  /** Counts one served row; when it closes a window, the columns that drifted in it. */
  public List<Alert> observe(ValidatedRow row) {
    for (int f = 0; f < features.size(); f++) {
      counts[f][features.get(f).bin(layout, row)]++;
    }
    observed++;
    if (observed % window != 0) {
      return List.of();
    }
    List<Alert> alerts = new ArrayList<>();
    for (int f = 0; f < features.size(); f++) {
      FeatureReference feature = features.get(f);
      double psi = psi(feature.expected(), counts[f]);
      if (psi > threshold) {
        alerts.add(
            new Alert(
                feature.name(),
                psi,
                threshold,
                observed - window + 1,
                observed,
                String.format(
                    Locale.ROOT,
                    "input column '%s' drifted: PSI %.4f > %.4f over served requests %d-%d",
                    feature.name(),
                    psi,
                    threshold,
                    observed - window + 1,
                    observed)));
      }
    }
    counts = emptyCounts();
    return alerts;
  }

  /** Served rows counted so far. */
  public long observed() {
    return observed;
  }

  public int window() {
    return window;
  }

  public List<FeatureReference> features() {
    return features;
  }

  public State checkpoint() {
    long[][] copy = new long[counts.length][];
    for (int f = 0; f < counts.length; f++) {
      copy[f] = counts[f].clone();
    }
    return new State(observed, copy);
  }

  public void restore(State state) {
    observed = state.observed();
    counts = new long[state.counts().length][];
    for (int f = 0; f < counts.length; f++) {
      counts[f] = state.counts()[f].clone();
    }
  }

  /**
   * The PSI of observed bin counts against expected shares, both floored at {@value #FLOOR}; 0 when
   * nothing was observed.
   */
  public static double psi(double[] expected, long[] actualCounts) {
    if (expected.length != actualCounts.length) {
      throw new IllegalArgumentException(
          expected.length + " expected shares but " + actualCounts.length + " counts");
    }
    long total = 0;
    for (long c : actualCounts) {
      total += c;
    }
    if (total == 0) {
      return 0;
    }
    double psi = 0;
    for (int b = 0; b < expected.length; b++) {
      double e = Math.max(expected[b], FLOOR);
      double a = Math.max(actualCounts[b] / (double) total, FLOOR);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
