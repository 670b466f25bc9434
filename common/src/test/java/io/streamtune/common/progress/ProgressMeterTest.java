package io.streamtune.common.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {

  @Test
  void printsBarRateAndEtaAtMostOncePerInterval() {
    AtomicLong nanos = new AtomicLong();
    List<String> lines = new ArrayList<>();
    ProgressMeter meter =
        new ProgressMeter("ingest", 1000, Duration.ofSeconds(1), lines::add, nanos::get);

    nanos.set(500_000_000L);
    meter.update(100);
    nanos.set(2_000_000_000L);
    meter.update(400);

    assertThat(lines).containsExactly("ingest [########............] 400/1,000 (40%) 200/s ETA 3s");
  }

  @Test
  void finishSaysHowLongItTook() {
    AtomicLong nanos = new AtomicLong();
    List<String> lines = new ArrayList<>();
    ProgressMeter meter =
        new ProgressMeter("ingest", 10, Duration.ofSeconds(1), lines::add, nanos::get);

    nanos.set(5_000_000_000L);
    meter.finish(10);

    assertThat(lines)
        .containsExactly("ingest [####################] 10/10 (100%) 2.00/s done in 5s");
  }
}
