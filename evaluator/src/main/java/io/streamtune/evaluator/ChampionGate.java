package io.streamtune.evaluator;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.metrics.PairedComparison;
import io.streamtune.model.metrics.PairedTests;
import io.streamtune.spec.EvaluatorSpec;
import io.streamtune.spec.GateSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a newly evaluated model version replaces the champion (the last promoted version
 * of the same model), in this order:
 *
 * <ol>
 *   <li>The absolute thresholds ({@code evaluator.gate.minMacroF1}, {@code minAccuracy}) must hold.
 *   <li>With no champion, its macro F1 must be strictly above the majority baseline's: a model no
 *       better than always answering the most frequent class is not worth serving.
 *   <li>With a champion, it must be newer (a replayed older version never takes the crown back),
 *       the holdout must hold at least {@code minHoldout} examples (fewer cannot show a difference,
 *       so the champion stays), and a paired test on the same holdout examples — the paired
 *       bootstrap of the macro-F1 difference, or McNemar's exact test of the accuracy difference —
 *       must find it better (mode {@code superior}: a positive difference with p &lt; α) or not
 *       worse by more than {@code margin} (mode {@code non_inferior}: the {@code 1 − α} interval of
 *       the difference lies above −margin). In mode superior the observed macro-F1 gain must also
 *       reach the deprecated {@code evaluator.minMacroF1Gain} (0 by default).
 * </ol>
 *
 * <p>Why a test rather than "higher macro F1 wins": on a few hundred examples two retrainings of
 * the same model differ by a point or two of macro F1 by chance alone; promoting on that churns the
 * served model for nothing. The difference's interval is at level {@code 1 − α}, so "p &lt; α" and
 * "the interval excludes 0" agree (up to resampling noise) and the report's interval is the one the
 * decision used. The bootstrap resamples with {@code evaluator.bootstrapResamples} and {@code
 * evaluator.seed}: the same holdout and predictions always get the same verdict.
 */
public final class ChampionGate {

  static final double TOLERANCE = 1e-9;

  /** The challenger's predictions on the holdout and its scores. */
  public record Challenger(
      int version, int[] actual, int[] predicted, ClassificationMetrics metrics) {}

  /**
   * The champion's predictions on the same holdout examples, as class indexes of the challenger's
   * labels (the caller maps them by label name).
   */
  public record Champion(int version, int[] predicted) {}

  /**
   * @param championVersion the champion before this decision, if any
   * @param comparison the paired test's outcome, when one ran
   * @param championMacroF1 the champion's macro F1 on the same holdout, when it was scored
   */
  public record Decision(
      boolean promoted,
      String reason,
      Integer championVersion,
      PairedComparison comparison,
      Double championMacroF1) {

    /** A decision without a paired test. */
    public Decision(boolean promoted, String reason, Integer championVersion) {
      this(promoted, reason, championVersion, null, null);
    }

    /** The same decision with {@code note} in front of its reason, naming the champion. */
    Decision withNote(String note, Integer champion) {
      return new Decision(promoted, note + reason, champion, comparison, championMacroF1);
    }
  }

  private final GateSpec gate;
  private final double minMacroF1Gain;
  private final int bootstrapResamples;
  private final long seed;

  /**
   * @throws IllegalArgumentException when {@code minMacroF1Gain} is not finite or {@code
   *     bootstrapResamples < 1}
   */
  public ChampionGate(GateSpec gate, double minMacroF1Gain, int bootstrapResamples, long seed) {
    this.gate = Objects.requireNonNull(gate, "gate");
    if (!Double.isFinite(minMacroF1Gain)) {
      throw new IllegalArgumentException("minMacroF1Gain must be finite, got " + minMacroF1Gain);
    }
    if (bootstrapResamples < 1) {
      throw new IllegalArgumentException(
          "bootstrapResamples must be at least 1, got " + bootstrapResamples);
    }
    this.minMacroF1Gain = minMacroF1Gain;
    this.bootstrapResamples = bootstrapResamples;
    this.seed = seed;
  }

  /** The gate of a spec's evaluator section. */
  public static ChampionGate of(EvaluatorSpec evaluator) {
    return new ChampionGate(
        evaluator.gate(),
        evaluator.minMacroF1Gain(),
        evaluator.bootstrapResamples(),
        evaluator.seed());
  }

  public GateSpec gate() {
    return gate;
  }

  public double minMacroF1Gain() {
    return minMacroF1Gain;
  }

  public Decision decide(Challenger challenger, Optional<Champion> champion) {
    ClassificationMetrics metrics = challenger.metrics();
    Integer championVersion = champion.map(Champion::version).orElse(null);
    Optional<String> belowThreshold = belowAbsoluteThreshold(metrics);
    if (belowThreshold.isPresent()) {
      return new Decision(false, belowThreshold.get(), championVersion);
    }
    if (champion.isEmpty()) {
      boolean promoted = metrics.macroF1() > metrics.majorityBaselineMacroF1() + TOLERANCE;
      String reason =
          String.format(
              Locale.ROOT,
              "macro F1 %.4f %s majority baseline %.4f (no champion yet)",
              metrics.macroF1(),
              promoted ? ">" : "<=",
              metrics.majorityBaselineMacroF1());
      return new Decision(promoted, reason, null);
    }
    Champion current = champion.get();
    int classes = metrics.labels().size();
    double championMacroF1 =
        ClassificationMetrics.macroF1(challenger.actual(), current.predicted(), classes);
    if (challenger.version() <= current.version()) {
      return new Decision(
          false,
          String.format(
              Locale.ROOT,
              "version %d is not newer than champion v%d; macro F1 %.4f vs %.4f",
              challenger.version(),
              current.version(),
              metrics.macroF1(),
              championMacroF1),
          current.version(),
          null,
          championMacroF1);
    }
    if (metrics.size() < gate.minHoldout()) {
      return new Decision(
          false,
          String.format(
              Locale.ROOT,
              "holdout of %d examples is below evaluator.gate.minHoldout %d, too few for a paired"
                  + " test against champion v%d (macro F1 %.4f vs %.4f): the champion stays",
              metrics.size(),
              gate.minHoldout(),
              current.version(),
              metrics.macroF1(),
              championMacroF1),
          current.version(),
          null,
          championMacroF1);
    }
    PairedComparison comparison = compare(challenger, current, classes);
    return judge(metrics.macroF1() - championMacroF1, comparison, current, metrics.size())
        .withChampionScore(championMacroF1);
  }

  private Optional<String> belowAbsoluteThreshold(ClassificationMetrics metrics) {
    return below("macro F1", metrics.macroF1(), "minMacroF1", gate.minMacroF1())
        .or(() -> below("accuracy", metrics.accuracy(), "minAccuracy", gate.minAccuracy()));
  }

  private static Optional<String> below(String metric, double value, String key, double minimum) {
    if (value + TOLERANCE >= minimum) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT, "%s %.4f < evaluator.gate.%s %s", metric, value, key, plain(minimum)));
  }

  private PairedComparison compare(Challenger challenger, Champion champion, int classes) {
    double level = 1 - gate.alpha();
    return switch (gate.test()) {
      case BOOTSTRAP ->
          PairedTests.bootstrapMacroF1(
              challenger.actual(),
              challenger.predicted(),
              champion.predicted(),
              classes,
              bootstrapResamples,
              seed,
              level,
              gate.mode() == GateSpec.Mode.SUPERIOR ? 0 : -gate.margin());
      case MCNEMAR ->
          PairedTests.mcNemarAccuracy(
              challenger.actual(), challenger.predicted(), champion.predicted(), level);
    };
  }

  /** The verdict of a paired comparison, before the champion's score is attached. */
  private record Verdict(
      boolean promoted, String reason, PairedComparison comparison, int champion) {
    Decision withChampionScore(double championMacroF1) {
      return new Decision(promoted, reason, champion, comparison, championMacroF1);
    }
  }

  private Verdict judge(
      double macroF1Gain, PairedComparison comparison, Champion champion, int examples) {
    String measured =
        String.format(
            Locale.ROOT,
            "%s vs champion v%d on %d examples: difference %+.4f, %s%% interval [%+.4f, %+.4f],"
                + " p = %s",
            comparison.test(),
            champion.version(),
            examples,
            comparison.difference(),
            plain(Math.round(comparison.interval().level() * 100_000) / 1000.0),
            comparison.interval().low(),
            comparison.interval().high(),
            pValue(comparison.pValue()));
    String alpha = plain(gate.alpha());
    if (gate.mode() == GateSpec.Mode.NON_INFERIOR) {
      boolean promoted = comparison.interval().low() > -gate.margin();
      return new Verdict(
          promoted,
          measured
              + String.format(
                  Locale.ROOT,
                  " (α %s); interval low %s −margin %s: %s",
                  alpha,
                  promoted ? ">" : "<=",
                  plain(gate.margin()),
                  promoted ? "not worse, promoted" : "may be worse, the champion stays"),
          comparison,
          champion.version());
    }
    boolean better = comparison.difference() > 0 && comparison.pValue() < gate.alpha();
    if (!better) {
      return new Verdict(
          false,
          measured
              + String.format(
                  Locale.ROOT,
                  " %s α %s: %s, the champion stays",
                  comparison.pValue() < gate.alpha() ? "<" : ">=",
                  alpha,
                  comparison.pValue() < gate.alpha()
                      ? "significantly worse"
                      : "not significantly better"),
          comparison,
          champion.version());
    }
    if (macroF1Gain + TOLERANCE < minMacroF1Gain) {
      return new Verdict(
          false,
          measured
              + String.format(
                  Locale.ROOT,
                  " < α %s, but the macro F1 gain %.4f < evaluator.minMacroF1Gain %s: the champion"
                      + " stays",
                  alpha,
                  macroF1Gain,
                  plain(minMacroF1Gain)),
          comparison,
          champion.version());
    }
    return new Verdict(
        true,
        measured + " < α " + alpha + ": significantly better, promoted",
        comparison,
        champion.version());
  }

  /** A p-value to 3 significant digits without trailing zeros: 1, 0.002, 0.0386, 1.2E-7. */
  static String pValue(double p) {
    BigDecimal rounded = new BigDecimal(p).round(new MathContext(3)).stripTrailingZeros();
    return p >= 1e-4 ? rounded.toPlainString() : rounded.toString();
  }

  /** A number as written in a spec: 0.05, not 0.050000. */
  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
