package io.streamtune.feedback.drift;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Label-distribution drift (prior shift): the class distribution of the last {@code window} labels
 * against a reference window, by the population stability index
 *
 * <pre>PSI = Σ_c (q_c − p_c) · ln(q_c / p_c)</pre>
 *
 * with p the reference's and q the recent window's class proportions, each floored at {@value
 * #SMOOTHING} so a class absent from one side scores a large but finite term. PSI rather than a
 * chi-square test: with thousands of labels a chi-square test finds every tiny, harmless shift
 * significant, while PSI measures the size of the shift (0.1 moderate, 0.2 large by the usual rule
 * of thumb) whatever the volume.
 *
 * <p>The first {@code window} labels are the reference; once {@code window} more have come, the
 * last {@code window} are compared with it after every label. A detection replaces the reference by
 * the next {@code window} labels: the window that signalled is usually still a mix of the old and
 * the new distribution, and a mixed reference would signal the same shift a second time.
 */
public final class LabelDistributionMonitor {

  public static final double SMOOTHING = 1e-4;

  /**
   * The serializable state.
   *
   * @param reference label counts of the reference window; empty until the first is full
   * @param recent the labels after the reference (at most {@code window}), oldest first
   */
  public record State(
      long labels,
      Map<String, Long> reference,
      long referenceFrom,
      long referenceTo,
      List<String> recent) {}

  private final int window;
  private final double threshold;
  private long labels;
  private final Map<String, Long> reference = new TreeMap<>();
  private long referenceFrom;
  private long referenceTo;
  private final Deque<String> recent = new ArrayDeque<>();

  /**
   * @param window labels in each of the two windows compared
   * @param threshold PSI above which the distribution has drifted
   */
  public LabelDistributionMonitor(int window, double threshold) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("threshold must be positive, got " + threshold);
    }
    this.window = window;
    this.threshold = threshold;
  }

  public static LabelDistributionMonitor restore(int window, double threshold, State state) {
    LabelDistributionMonitor monitor = new LabelDistributionMonitor(window, threshold);
    monitor.labels = state.labels();
    monitor.reference.putAll(state.reference());
    monitor.referenceFrom = state.referenceFrom();
    monitor.referenceTo = state.referenceTo();
    monitor.recent.addAll(state.recent());
    // a smaller window than the one the state was kept with: keep the newest labels
    while (monitor.recent.size() > window) {
      monitor.recent.removeFirst();
    }
    return monitor;
  }

  public State state() {
    return new State(
        labels, new TreeMap<>(reference), referenceFrom, referenceTo, new ArrayList<>(recent));
  }

  /** Adds the next label; a detection when the last {@code window} labels drifted. */
  public Optional<Detection> add(String label) {
    labels++;
    recent.addLast(label);
    if (recent.size() > window) {
      recent.removeFirst();
    }
    if (recent.size() < window) {
      return Optional.empty();
    }
    if (reference.isEmpty()) {
      replaceReference();
      return Optional.empty();
    }
    Map<String, Long> counts = counts(recent);
    double psi = psi(reference, counts);
    if (!(psi > threshold)) {
      return Optional.empty();
    }
    String reason =
        String.format(
            Locale.ROOT,
            "label distribution shifted: PSI %.3f > %s between labels %d-%d and %d-%d; %s",
            psi,
            threshold,
            referenceFrom,
            referenceTo,
            labels - window + 1,
            labels,
            largestChange(reference, counts));
    Detection detection =
        new Detection("label-distribution", psi, threshold, labels - window + 1, labels, reason);
    reference.clear();
    recent.clear();
    return Optional.of(detection);
  }

  private void replaceReference() {
    reference.clear();
    reference.putAll(counts(recent));
    referenceFrom = labels - recent.size() + 1;
    referenceTo = labels;
    recent.clear();
  }

  private static Map<String, Long> counts(Iterable<String> labels) {
    Map<String, Long> counts = new TreeMap<>();
    labels.forEach(l -> counts.merge(l, 1L, Long::sum));
    return counts;
  }

  /** PSI of {@code recent} against {@code reference}, over the classes of either. */
  public static double psi(Map<String, Long> reference, Map<String, Long> recent) {
    double referenceTotal = total(reference);
    double recentTotal = total(recent);
    TreeSet<String> classes = new TreeSet<>(reference.keySet());
    classes.addAll(recent.keySet());
    double psi = 0;
    for (String c : classes) {
      double p = Math.max(reference.getOrDefault(c, 0L) / referenceTotal, SMOOTHING);
      double q = Math.max(recent.getOrDefault(c, 0L) / recentTotal, SMOOTHING);
      psi += (q - p) * Math.log(q / p);
    }
    return psi;
  }

  private static double total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String largestChange(Map<String, Long> reference, Map<String, Long> recent) {
    double referenceTotal = total(reference);
    double recentTotal = total(recent);
    TreeSet<String> classes = new TreeSet<>(reference.keySet());
    classes.addAll(recent.keySet());
    String most = classes.first();
    double mostChange = -1;
    for (String c : classes) {
      double change =
          Math.abs(
              recent.getOrDefault(c, 0L) / recentTotal
                  - reference.getOrDefault(c, 0L) / referenceTotal);
      if (change > mostChange) {
        most = c;
        mostChange = change;
      }
    }
    return String.format(
        Locale.ROOT,
        "most changed: '%s' %.1f%% → %.1f%%",
        most,
        100.0 * reference.getOrDefault(most, 0L) / referenceTotal,
        100.0 * recent.getOrDefault(most, 0L) / recentTotal);
  }

  public long labels() {
    return labels;
  }
}
