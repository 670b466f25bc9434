package io.streamtune.feedback.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import moa.classifiers.core.driftdetection.PageHinkleyDM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageHinkleyTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void detectsAtExactlyMoasIndexes(long seed) {
    // two rises: 0.05 → 0.2 at 4000, 0.2 → 0.45 at 10000
    double[] values = Streams.bernoulli(seed, 20_000, 4_000, 0.05, 0.2);
    double[] higher = Streams.bernoulli(seed + 100, 20_000, 10_000, 0.2, 0.45);
    System.arraycopy(higher, 10_000, values, 10_000, 10_000);
    PageHinkleyDM moa = new PageHinkleyDM();
    moa.resetLearning();
    PageHinkley ours = new PageHinkley();
    List<Integer> moaDetections = new ArrayList<>();
    List<Integer> ourDetections = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      moa.input(values[i]);
      if (moa.getChange()) {
        moaDetections.add(i);
      }
      if (ours.add(values[i])) {
        ourDetections.add(i);
        ours.reset(); // MOA starts over on the next input
      }
    }
    assertThat(moaDetections).hasSizeGreaterThan(1);
    assertThat(ourDetections).isEqualTo(moaDetections);
  }

  @Test
  void stateRoundTripChangesNothing() {
    double[] values = Streams.bernoulli(9, 5_000, 1_000, 0.1, 0.3);
    PageHinkley straight = new PageHinkley();
    PageHinkley restored = new PageHinkley();
    for (double value : values) {
      boolean a = straight.add(value);
      restored = PageHinkley.restore(restored.state());
      assertThat(restored.add(value)).isEqualTo(a);
      if (a) {
        straight.reset();
        restored.reset();
      }
    }
    assertThat(restored.sum()).isEqualTo(straight.sum());
  }

  @Test
  void detectsARiseFrom10To30PercentWithinABoundedDelay() {
    int change = 1_000;
    List<Integer> delays = new ArrayList<>();
    for (long seed = 1; seed <= 100; seed++) {
      double[] values = Streams.bernoulli(seed, 4_000, change, 0.1, 0.3);
      ErrorRateMonitor monitor = new ErrorRateMonitor(ErrorRateMonitor.Settings.defaults());
      Integer first = null;
      for (int i = 0; i < values.length && first == null; i++) {
        if (monitor.add(values[i] == 1).stream()
            .anyMatch(d -> d.detector().equals("page-hinkley"))) {
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
    System.out.printf(
        "Page-Hinkley λ=50 δ=0.005, error rate 0.1 → 0.3 at 1000: delay mean %.1f, median %d, p95"
            + " %d, max %d labelled predictions (100 streams)%n",
        mean, delays.get(49), delays.get(94), delays.get(99));
    assertThat(mean).isLessThan(400);
    assertThat(delays.get(99)).isLessThan(700);
  }

  @Test
  void falseAlarmsOnStationaryStreams() {
    int alarms = 0;
    int streamsWithAlarm = 0;
    for (long seed = 1; seed <= 100; seed++) {
      double[] values = Streams.bernoulli(2000 + seed, 10_000, 10_000, 0.2, 0.2);
      PageHinkley test = new PageHinkley();
      int here = 0;
      for (double value : values) {
        if (test.add(value)) {
          here++;
          test.reset();
        }
      }
      alarms += here;
      streamsWithAlarm += here > 0 ? 1 : 0;
    }
    System.out.printf(
        "Page-Hinkley λ=50 δ=0.005 on 100 stationary streams × 10000 (p=0.2): %d false alarms in"
            + " %d streams%n",
        alarms, streamsWithAlarm);
    assertThat(alarms).isLessThanOrEqualTo(5);
  }
}
