package io.streamtune.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class ChaosObserverTest {

  @Test
  void theEvaluatorsNextWorkIsTheFirstVersionNotReportedAtItsRestart() {
    var versions = new ConcurrentLinkedQueue<>(List.of(10L, 20L, 50L));
    var reports = new ConcurrentLinkedQueue<>(List.of(12L, 25L));
    // restarted at 30 with v1 and v2 reported: the next work is v3, seen at 50
    assertThat(ChaosObserver.nthAfterCount(versions, reports, 30)).isEqualTo(50);
    // restarted at 22 with only v1 reported: v2 (seen at 20) was already waiting
    assertThat(ChaosObserver.nthAfterCount(versions, reports, 22)).isEqualTo(20);
    // every version reported and none has come since
    var allReported = new ConcurrentLinkedQueue<>(List.of(12L, 25L, 55L));
    assertThat(ChaosObserver.nthAfterCount(versions, allReported, 60)).isEqualTo(-1);
  }
}
