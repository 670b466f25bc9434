package io.streamtune.common.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToLongFunction;

/**
 * The three counters every stage exports, read from the stage's own counts at scrape time (so the
 * stage keeps one count and the metric cannot drift from it): {@code streamtune_records_in_total},
 * {@code streamtune_records_out_total} and {@code streamtune_dead_letters_total}, each tagged
 * {@code stage=<stage>}.
 */
public final class StageMeters {

  public static final String RECORDS_IN = "streamtune.records.in";
  public static final String RECORDS_OUT = "streamtune.records.out";
  public static final String DEAD_LETTERS = "streamtune.dead.letters";

  private StageMeters() {}

  /**
   * @param source what the counts are read from; Micrometer holds it weakly, so it must live as
   *     long as the service (the service itself, or a field of it), never a lambda made for the
   *     call
   * @param in records the stage consumed
   * @param out records (or versions, reports, predictions) the stage produced
   * @param deadLetters records the stage sent to the dead-letter topic
   */
  public static <T> void bind(
      MeterRegistry registry,
      String stage,
      T source,
      ToLongFunction<T> in,
      ToLongFunction<T> out,
      ToLongFunction<T> deadLetters) {
    counter(registry, RECORDS_IN, stage, source, in, "Records the stage consumed");
    counter(registry, RECORDS_OUT, stage, source, out, "Records the stage produced");
    counter(registry, DEAD_LETTERS, stage, source, deadLetters, "Records the stage dead-lettered");
  }

  /**
   * A counter tagged {@code stage} that reads {@code count} of {@code source} when scraped ({@code
   * source} held weakly, see {@link #bind}).
   */
  public static <T> void counter(
      MeterRegistry registry,
      String name,
      String stage,
      T source,
      ToLongFunction<T> count,
      String description) {
    FunctionCounter.builder(name, source, s -> count.applyAsLong(s))
        .tag("stage", stage)
        .description(description)
        .register(registry);
  }
}
