package io.streamtune.serve;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamtune.common.metrics.StageMeters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Serve's Prometheus meters: the stage counters (requests in, predictions out, dead letters),
 * predictions by role, the champion's version and the request latency as a histogram (so Grafana
 * can take quantiles over any window), by path: {@code kafka} (every request of a poll batch saw
 * the batch's scoring time) and {@code http}.
 */
final class ServeMeters {

  static final String STAGE = "serve";
  static final String PREDICTIONS = "streamtune.serve.predictions";
  static final String CHAMPION_VERSION = "streamtune.serve.champion.version";
  static final String REQUEST_LATENCY = "streamtune.serve.request.latency";

  private volatile Timer kafkaLatency;
  private volatile Timer httpLatency;

  void bind(MeterRegistry registry, ServeService service) {
    StageMeters.bind(
        registry,
        STAGE,
        service,
        s -> s.requests() + s.httpPredictions() + s.httpRefusals(),
        ServeService::championPredictions,
        ServeService::deadLetters);
    // the same count as records out: the role breakdown (Grafana's champion/shadow panel) needs it
    // next to the shadow's
    predictions(registry, service, "champion", ServeService::championPredictions);
    predictions(registry, service, "shadow", ServeService::shadowPredictions);
    Gauge.builder(
            CHAMPION_VERSION,
            service,
            s -> s.championVersion().map(v -> (double) v).orElse(Double.NaN))
        .description("Version of the model serving as champion (NaN before the first)")
        .register(registry);
    kafkaLatency = latency(registry, "kafka");
    httpLatency = latency(registry, "http");
  }

  /** {@code service} is held weakly by the registry: it lives as long as the meters matter. */
  private static void predictions(
      MeterRegistry registry,
      ServeService service,
      String role,
      java.util.function.ToLongFunction<ServeService> count) {
    FunctionCounter.builder(PREDICTIONS, service, count::applyAsLong)
        .tag("role", role)
        .description("Predictions written, by role")
        .register(registry);
  }

  private static Timer latency(MeterRegistry registry, String path) {
    return Timer.builder(REQUEST_LATENCY)
        .tag("path", path)
        .description("Time from taking a request to its scored answer")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  /**
   * {@code requests} requests of one poll batch were answered {@code micros} after it was taken.
   */
  void kafkaBatchAnswered(int requests, long micros) {
    Timer timer = kafkaLatency;
    if (timer != null) {
      for (int i = 0; i < requests; i++) {
        timer.record(micros, TimeUnit.MICROSECONDS);
      }
    }
  }

  /** One HTTP request answered {@code micros} after it arrived. */
  void httpAnswered(long micros) {
    Timer timer = httpLatency;
    if (timer != null) {
      timer.record(micros, TimeUnit.MICROSECONDS);
    }
  }
}
