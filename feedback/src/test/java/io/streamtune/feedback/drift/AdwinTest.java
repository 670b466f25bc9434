package io.streamtune.feedback.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import moa.classifiers.core.driftdetection.ADWIN;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdwinTest {

  /** Indexes (0-based) at which our ADWIN cut its window. */
  private static List<Integer> ours(double[] values, double delta) {
    Adwin adwin = new Adwin(delta);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (adwin.add(values[i])) {
        cuts.add(i);
      }
    }
    return cuts;
  }

  private static List<Integer> moa(double[] values, double delta) {
    ADWIN adwin = new ADWIN(delta);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (adwin.setInput(values[i])) {
        cuts.add(i);
      }
    }
    return cuts;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void cutsAtExactlyMoasIndexesOnBernoulliStreams(long seed) {
    double[] values = Streams.bernoulli(seed, 20_000, 5_000 + 1_000 * (int) seed, 0.2, 0.5);
    List<Integer> moa = moa(values, 0.002);

    assertThat(moa).isNotEmpty();
    assertThat(ours(values, 0.002)).isEqualTo(moa);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.002, 0.05, 0.3})
  void cutsAtExactlyMoasIndexesOnGaussianStreamsAtAnyDelta(double delta) {
    // several changes up and down, real values: every bucket path of the histogram is taken
    double[] a = Streams.gaussian(11, 30_000, 10_000, 0, 0.5);
    double[] b = Streams.gaussian(12, 30_000, 15_000, 0.5, -0.3);
    double[] values = new double[a.length + b.length];
    System.arraycopy(a, 0, values, 0, a.length);
    System.arraycopy(b, 0, values, a.length, b.length);

    List<Integer> moa = moa(values, delta);

    assertThat(moa).hasSizeGreaterThan(1);
    assertThat(ours(values, delta)).isEqualTo(moa);
  }

  @Test
  void cutsAtExactlyMoasIndexesOnAWindowOfMoreThanAMillionValues() {
    // buckets of 2^16 values and more (where MOA multiplies bucket sizes as ints)
    double[] values = Streams.bernoulli(77, 1_600_000, 1_300_000, 0.30, 0.33);

    List<Integer> moa = moa(values, 0.002);

    assertThat(moa).isNotEmpty().allMatch(i -> i >= 1_300_000);
    assertThat(ours(values, 0.002)).isEqualTo(moa);
  }

  @Test
  void stateRoundTripChangesNothing() {
    double[] values = Streams.bernoulli(21, 8_000, 4_000, 0.1, 0.3);
    Adwin straight = new Adwin();
    Adwin restored = new Adwin();
    for (double value : values) {
      boolean a = straight.add(value);
      restored = Adwin.restore(restored.state());
      boolean b = restored.add(value);
      assertThat(b).isEqualTo(a);
    }
    assertThat(restored.width()).isEqualTo(straight.width());
    assertThat(restored.estimation()).isEqualTo(straight.estimation());
  }

  /**
   * The app's detector (rises only, starts over after a detection) against MOA's
   * ADWINChangeDetector reset the same way.
   */
  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33, 34})
  void errorRateMonitorDetectsWhereMoasAdwinChangeDetectorDoes(long seed) {
    double[] values = Streams.bernoulli(seed, 30_000, 8_000, 0.1, 0.3);
    for (int i = 20_000; i < values.length; i++) {
      values[i] = values[i - 20_000]; // and back down to 0.1: a fall is no drift
    }
    ADWINChangeDetector moa = new ADWINChangeDetector();
    moa.resetLearning();
    ErrorRateMonitor monitor = new ErrorRateMonitor(ErrorRateMonitor.Settings.defaults());
    List<Integer> moaDetections = new ArrayList<>();
    List<Integer> ourDetections = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      moa.input(values[i]);
      if (moa.getChange()) {
        moaDetections.add(i);
        moa.resetLearning();
      }
      if (monitor.add(values[i] == 1).stream().anyMatch(d -> d.detector().equals("adwin"))) {
        ourDetections.add(i);
      }
    }
    assertThat(moaDetections).isNotEmpty();
    assertThat(ourDetections).isEqualTo(moaDetections);
  }

  @Test
  void detectsARiseFrom20To50PercentWithinABoundedDelay() {
    int change = 1_000;
    List<Integer> delays = new ArrayList<>();
    for (long seed = 1; seed <= 100; seed++) {
      double[] values = Streams.bernoulli(seed, 3_000, change, 0.2, 0.5);
      ErrorRateMonitor monitor = new ErrorRateMonitor(ErrorRateMonitor.Settings.defaults());
      Integer first = null;
      for (int i = 0; i < values.length && first == null; i++) {
        if (monitor.add(values[i] == 1).stream().anyMatch(d -> d.detector().equals("adwin"))) {
          first = i;
        }
      }
      assertThat(first).as("seed %d: a detection", seed).isNotNull();
      assertThat(first)
          .as("seed %d: no detection before the change", seed)
          .isGreaterThanOrEqualTo(change);
      delays.add(first - change);
    }
    delays.sort(null);
    double mean = delays.stream().mapToInt(Integer::intValue).average().orElseThrow();
    int p95 = delays.get(94);
    System.out.printf(
        "ADWIN δ=0.002, error rate 0.2 → 0.5 at 1000: delay mean %.1f, median %d, p95 %d, max %d"
            + " labelled predictions (100 streams)%n",
        mean, delays.get(49), p95, delays.get(99));
    assertThat(mean).isLessThan(150);
    assertThat(delays.get(99)).isLessThan(300);
  }

  @Test
  void falseAlarmsOnStationaryStreamsAreRare() {
    int alarms = 0;
    int streamsWithAlarm = 0;
    for (long seed = 1; seed <= 100; seed++) {
      double[] values = Streams.bernoulli(1000 + seed, 10_000, 10_000, 0.2, 0.2);
      ErrorRateMonitor monitor = new ErrorRateMonitor(ErrorRateMonitor.Settings.defaults());
      int here = 0;
      for (double value : values) {
        here +=
            (int)
                monitor.add(value == 1).stream().filter(d -> d.detector().equals("adwin")).count();
      }
      alarms += here;
      streamsWithAlarm += here > 0 ? 1 : 0;
    }
    System.out.printf(
        "ADWIN δ=0.002 on 100 stationary streams × 10000 (p=0.2): %d false alarms in %d streams%n",
        alarms, streamsWithAlarm);
    assertThat(alarms).isLessThanOrEqualTo(3);
  }
}
