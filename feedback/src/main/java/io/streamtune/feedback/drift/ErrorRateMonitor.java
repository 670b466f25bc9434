package io.streamtune.feedback.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Concept drift on one served model version: its error stream (1 = wrong, 0 = right, in the order
 * labels join) through ADWIN and Page-Hinkley. Only a rise of the error rate is a drift (a model
 * getting better needs no retraining): ADWIN's cut counts when the window's mean went up, as MOA's
 * {@code ADWINChangeDetector} decides. A detector that fired starts over, so one change gives one
 * request per detector rather than one per shrinking step of the window.
 */
public final class ErrorRateMonitor {

  /** The detectors' settings. */
  public record Settings(
      double adwinDelta, double phDelta, double phLambda, double phAlpha, int phMinInstances) {

    public static Settings defaults() {
      return new Settings(
          Adwin.DEFAULT_DELTA,
          PageHinkley.DEFAULT_DELTA,
          PageHinkley.DEFAULT_LAMBDA,
          PageHinkley.DEFAULT_ALPHA,
          PageHinkley.DEFAULT_MIN_INSTANCES);
    }
  }

  /**
   * The serializable state.
   *
   * @param observations values seen on the stream
   * @param phFrom first observation since Page-Hinkley's last reset
   */
  public record State(
      long observations, Adwin.State adwin, PageHinkley.State pageHinkley, long phFrom) {}

  private final Settings settings;
  private long observations;
  private Adwin adwin;
  private PageHinkley pageHinkley;
  private long phFrom = 1;

  public ErrorRateMonitor(Settings settings) {
    this.settings = settings;
    this.adwin = new Adwin(settings.adwinDelta());
    this.pageHinkley = newPageHinkley(settings);
  }

  public static ErrorRateMonitor restore(Settings settings, State state) {
    ErrorRateMonitor monitor = new ErrorRateMonitor(settings);
    monitor.observations = state.observations();
    monitor.adwin = Adwin.restore(state.adwin());
    monitor.pageHinkley = PageHinkley.restore(state.pageHinkley());
    monitor.phFrom = state.phFrom();
    return monitor;
  }

  public State state() {
    return new State(observations, adwin.state(), pageHinkley.state(), phFrom);
  }

  private static PageHinkley newPageHinkley(Settings settings) {
    return new PageHinkley(
        settings.phDelta(), settings.phLambda(), settings.phAlpha(), settings.phMinInstances());
  }

  /**
   * Adds one outcome.
   *
   * @return the detections it caused (none, or one per detector)
   */
  public List<Detection> add(boolean wrong) {
    double x = wrong ? 1 : 0;
    observations++;
    List<Detection> detections = new ArrayList<>(2);
    double before = adwin.estimation();
    if (adwin.add(x) && adwin.estimation() > before) {
      Adwin.Cut cut = adwin.lastCut();
      detections.add(
          new Detection(
              "adwin",
              cut.difference(),
              cut.epsilon(),
              observations - cut.windowLength() + 1,
              observations,
              String.format(
                  Locale.ROOT,
                  "error rate %.2f → %.2f over the last %d labelled predictions (ADWIN cut its"
                      + " window of %d at δ %s)",
                  cut.olderMean(),
                  cut.recentMean(),
                  cut.recentLength(),
                  cut.windowLength(),
                  settings.adwinDelta())));
      adwin = new Adwin(settings.adwinDelta());
    }
    if (pageHinkley.add(x)) {
      long count = pageHinkley.count();
      detections.add(
          new Detection(
              "page-hinkley",
              pageHinkley.sum(),
              pageHinkley.lambda(),
              phFrom,
              observations,
              String.format(
                  Locale.ROOT,
                  "error rate %.2f over the last %d labelled predictions; Page-Hinkley sum %.1f >"
                      + " λ %s",
                  pageHinkley.mean(),
                  count,
                  pageHinkley.sum(),
                  pageHinkley.lambda())));
      pageHinkley.reset();
      phFrom = observations + 1;
    }
    return detections;
  }

  public long observations() {
    return observations;
  }
}
