package io.streamtune.trainer;

import ai.djl.Device;
import io.streamtune.model.metrics.Bootstrap;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@link SteadyRounds} before and after issue 18 on one stream and prints them side by side.
 */
public final class SteadyRoundsRun {

  private SteadyRoundsRun() {}

  /** The trainer keys with warm rounds off: every round all epochs at the full rate, no EMA. */
  static TrainerSpec before(TrainerSpec spec) {
    return spec.with(TrainerSpec.WARM_ROUND_SCALING, 0.0)
        .with(TrainerSpec.WARM_LR_FACTOR, 1.0)
        .with(TrainerSpec.WARM_EMA, 0.0);
  }

  public static void compare(
      PipelineSpec spec,
      Path csv,
      int copies,
      String copySplit,
      boolean fromStart,
      int warmRounds,
      int resamples,
      Device device,
      PrintStream out) {
    SteadyRounds.CopySplit split;
    try {
      split = SteadyRounds.CopySplit.valueOf(copySplit.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "split '" + copySplit + "' is not one of [rows, copies]", e);
    }
    SteadyRounds.Prepared data =
        SteadyRounds.prepare(spec, csv, copies, split, spec.trainer().seed());
    // one seed for every version: each interval resamples the same holdout rows
    Bootstrap scorer = new Bootstrap(resamples, spec.trainer().seed());
    TrainerSpec now = spec.trainer();
    out.printf(
        Locale.ROOT,
        "stream: %,d train examples (%d copies, split by %s), holdout %,d rows; buffer"
            + " capacity %,d, a version every %d new examples after the first on a full buffer;"
            + " %d warm rounds; 95%% CI from %d bootstrap resamples of the holdout%n",
        data.train().size(),
        copies,
        split.name().toLowerCase(Locale.ROOT),
        data.holdoutLabels().length,
        now.bufferCapacity(),
        now.retrainEvery(),
        warmRounds,
        resamples);
    out.printf(
        Locale.ROOT,
        "before: warmRoundScaling 0, warmLrFactor 1, warmEma 0 (every round %d epochs at %s)%n",
        now.epochs(),
        now.learningRate());
    out.printf(
        Locale.ROOT,
        "after:  warmRoundScaling %s, warmLrFactor %s, warmEma %s%n",
        now.warmRoundScaling(),
        now.warmLrFactor(),
        now.warmEma());
    List<SteadyRounds.Version> old =
        SteadyRounds.run(
            spec.withTrainer(before(now)), data, fromStart, warmRounds, scorer, device);
    List<SteadyRounds.Version> steady =
        SteadyRounds.run(spec, data, fromStart, warmRounds, scorer, device);
    out.println(
        "version  new  share  | before: macroF1 [95% CI]      swing  epochs  steps     ms"
            + " | after: macroF1 [95% CI]       swing  epochs  steps     ms");
    for (int i = 0; i < Math.min(old.size(), steady.size()); i++) {
      SteadyRounds.Version a = old.get(i);
      SteadyRounds.Version b = steady.get(i);
      out.printf(
          Locale.ROOT,
          "%7d %4d %6.2f%% | %s | %s%n",
          a.version(),
          a.newExamples(),
          100 * a.newShare(),
          cells(a),
          cells(b));
    }
    out.println(summary("before", old));
    out.println(summary("after ", steady));
  }

  private static String cells(SteadyRounds.Version v) {
    return String.format(
        Locale.ROOT,
        "%.3f [%.3f, %.3f] %6s %6d %6d %6d",
        v.holdout().macroF1(),
        v.holdout().low(),
        v.holdout().high(),
        Double.isNaN(v.swing()) ? "-" : String.format(Locale.ROOT, "%.3f", v.swing()),
        v.epochs(),
        v.steps(),
        v.durationMs());
  }

  static String summary(String name, List<SteadyRounds.Version> versions) {
    List<SteadyRounds.Version> warm =
        versions.subList(Math.min(1, versions.size()), versions.size());
    long beyondCi = warm.stream().filter(v -> v.swing() > v.holdout().halfWidth()).count();
    double halfWidth =
        warm.stream().mapToDouble(v -> v.holdout().halfWidth()).average().orElse(Double.NaN);
    double meanF1 =
        warm.stream().mapToDouble(v -> v.holdout().macroF1()).average().orElse(Double.NaN);
    long ms = warm.stream().mapToLong(SteadyRounds.Version::durationMs).sum();
    return String.format(
        Locale.ROOT,
        "%s: warm rounds %d, swing mean %.4f max %.4f; mean CI half-width %.4f; swings beyond the"
            + " CI half-width %d of %d; mean macro F1 %.4f; warm training %,d ms",
        name,
        warm.size(),
        SteadyRounds.meanSwing(versions),
        SteadyRounds.maxSwing(versions),
        halfWidth,
        beyondCi,
        warm.size(),
        meanF1,
        ms);
  }
}
