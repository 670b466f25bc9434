package io.streamtune.evaluator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamtune.common.metrics.StageMeters;
import io.streamtune.schemas.avro.EvaluationReport;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The evaluator's Prometheus meters: the stage counters (versions in, reports out, dead letters),
 * the last report's numbers, the champion's (the last version this evaluator promoted; NaN until it
 * promotes one) and the gate's promotions and refusals.
 */
final class EvaluatorMeters {

  static final String CHAMPION_VERSION = "streamtune.evaluator.champion.version";
  static final String CHAMPION_MACRO_F1 = "streamtune.evaluator.champion.macro.f1";
  static final String CHAMPION_ACCURACY = "streamtune.evaluator.champion.accuracy";
  static final String REPORT_VERSION = "streamtune.evaluator.report.version";
  static final String REPORT_MACRO_F1 = "streamtune.evaluator.report.macro.f1";
  static final String REPORT_ACCURACY = "streamtune.evaluator.report.accuracy";
  static final String HOLDOUT_EXAMPLES = "streamtune.evaluator.holdout.examples";
  static final String GATE_DECISIONS = "streamtune.evaluator.gate.decisions";

  /** Numbers of one report, swapped as a whole so a scrape never mixes two reports. */
  private record Numbers(double version, double macroF1, double accuracy) {
    static final Numbers NONE = new Numbers(Double.NaN, Double.NaN, Double.NaN);

    static Numbers of(EvaluationReport report) {
      return new Numbers(report.getVersion(), report.getMacroF1(), report.getAccuracy());
    }
  }

  private final AtomicReference<Numbers> lastReport = new AtomicReference<>(Numbers.NONE);
  private final AtomicReference<Numbers> champion = new AtomicReference<>(Numbers.NONE);
  private volatile Counter promotions;
  private volatile Counter refusals;

  void bind(MeterRegistry registry, EvaluatorService service) {
    StageMeters.bind(
        registry,
        EvaluatorService.DEAD_LETTER_STAGE,
        service,
        s -> s.reportsPublished() + s.versionsSkipped(),
        EvaluatorService::reportsPublished,
        EvaluatorService::deadLetters);
    gauge(registry, REPORT_VERSION, lastReport, Numbers::version, "Version of the last report");
    gauge(registry, REPORT_MACRO_F1, lastReport, Numbers::macroF1, "Last report's macro F1");
    gauge(registry, REPORT_ACCURACY, lastReport, Numbers::accuracy, "Last report's accuracy");
    gauge(registry, CHAMPION_VERSION, champion, Numbers::version, "Version last promoted");
    gauge(registry, CHAMPION_MACRO_F1, champion, Numbers::macroF1, "Champion's holdout macro F1");
    gauge(registry, CHAMPION_ACCURACY, champion, Numbers::accuracy, "Champion's holdout accuracy");
    Gauge.builder(HOLDOUT_EXAMPLES, service, EvaluatorService::holdoutSize)
        .description("Examples in the holdout")
        .register(registry);
    promotions =
        Counter.builder(GATE_DECISIONS)
            .tag("decision", "promoted")
            .description("Champion-gate decisions")
            .register(registry);
    refusals =
        Counter.builder(GATE_DECISIONS)
            .tag("decision", "refused")
            .description("Champion-gate decisions")
            .register(registry);
  }

  private static void gauge(
      MeterRegistry registry,
      String name,
      AtomicReference<Numbers> numbers,
      java.util.function.ToDoubleFunction<Numbers> value,
      String description) {
    Gauge.builder(name, numbers, n -> value.applyAsDouble(n.get()))
        .description(description)
        .register(registry);
  }

  /** A report went out (with its promotion, when the gate promoted). */
  void reportPublished(EvaluationReport report) {
    Numbers numbers = Numbers.of(report);
    lastReport.set(numbers);
    if (report.getPromoted()) {
      champion.set(numbers);
    }
    Counter counter = report.getPromoted() ? promotions : refusals;
    if (counter != null) {
      counter.increment();
    }
  }
}
