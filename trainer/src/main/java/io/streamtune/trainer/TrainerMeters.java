package io.streamtune.trainer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamtune.common.metrics.StageMeters;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The trainer's Prometheus meters: the stage counters (examples in, versions out, dead letters),
 * the buffer's size in examples and bytes, the round duration (a timer) and the last round's train
 * loss. Rounds are recorded whether or not a registry is bound, so binding late loses nothing of
 * the last loss.
 */
final class TrainerMeters {

  static final String BUFFER_EXAMPLES = "streamtune.trainer.buffer.examples";
  static final String BUFFER_BYTES = "streamtune.trainer.buffer.bytes";
  static final String ROUND_DURATION = "streamtune.trainer.round.duration";
  static final String ROUND_LOSS = "streamtune.trainer.round.loss";
  static final String VERSIONS_PUBLISHED = "streamtune.trainer.versions.published";

  private final AtomicReference<Double> lastLoss = new AtomicReference<>(Double.NaN);
  private volatile Timer roundDuration;

  /** Registers every meter; the gauges read {@code service}'s stats when scraped. */
  void bind(MeterRegistry registry, TrainerService service, TrainingState state) {
    StageMeters.bind(
        registry,
        TrainerService.STAGE,
        service,
        s -> s.stats().examplesConsumed(),
        s -> s.stats().versionsPublished(),
        s -> s.stats().deadLettered());
    StageMeters.counter(
        registry,
        VERSIONS_PUBLISHED,
        TrainerService.STAGE,
        service,
        s -> s.stats().versionsPublished(),
        "Model versions the trainer published");
    Gauge.builder(BUFFER_EXAMPLES, state, s -> s.buffer().size())
        .description("Examples in the training buffer")
        .register(registry);
    Gauge.builder(BUFFER_BYTES, state, s -> s.buffer().bytes())
        .description("Estimated size of the training buffer")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder(ROUND_LOSS, lastLoss, AtomicReference::get)
        .description("Train loss of the last round (NaN before the first)")
        .register(registry);
    roundDuration =
        Timer.builder(ROUND_DURATION)
            .description("Wall time of a training round")
            .register(registry);
  }

  /** A round finished training (before it is published). */
  void roundTrained(ModelTrainer.Result result) {
    lastLoss.set(result.trainLoss());
    Timer timer = roundDuration;
    if (timer != null) {
      timer.record(Duration.ofMillis(result.durationMs()));
    }
  }
}
