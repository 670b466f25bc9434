package io.streamtune.evaluator;

import io.streamtune.model.metrics.Bootstrap;
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

  /**
   * The challenger's predictions on the holdout and its scores.
   *
   * @param draws the holdout's bootstrap resamples as {@link #bootstrap()} drew them, with the
   *     champion's predictions as the reference when there is a scored champion; null to let the
   *     gate draw them when its test needs them
   */
  public record Challenger(
      int version,
      int[] actual,
      int[] predicted,
      ClassificationMetrics metrics,
      Bootstrap.Draws draws) {

    public Challenger(int version, int[] actual, int[] predicted, ClassificationMetrics metrics) {
      this(version, actual, predicted, metrics, null);
    }
  }

  /**
   * The champion and its predictions on the same holdout examples, as class indexes of the
   * challenger's labels (the caller maps them by label name); or, when it could not be scored on
   * this holdout, why not.
   *
   * @param predicted null when the champion could not be scored
   * @param unscoredBecause what kept it from being scored, e.g. {@code "could not be loaded (no
   *     such directory)"}; null when scored
   */
  public record Champion(int version, int[] predicted, String unscoredBecause) {

    public Champion {
      if ((predicted == null) == (unscoredBecause == null)) {
        throw new IllegalArgumentException(
            "a champion has either predictions or the reason it has none");
      }
    }

    public Champion(int version, int[] predicted) {
      this(version, Objects.requireNonNull(predicted, "predicted"), null);
    }

    /** A champion that could not be scored on the holdout, {@code because} what. */
    public static Champion unscored(int version, String because) {
      return new Champion(version, null, Objects.requireNonNull(because, "because"));
    }

    boolean scored() {
      return predicted != null;
    }
  }

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

  /** The resamples the gate's paired bootstrap reads; draw a holdout's intervals with them. */
  public Bootstrap bootstrap() {
    return new Bootstrap(bootstrapResamples, seed);
  }

  /**
   * A champion that could not be scored on this holdout cannot be compared with: the challenger is
   * then judged against the majority baseline, and the reason says so and why, first.
   */
  public Decision decide(Challenger challenger, Optional<Champion> champion) {
    ClassificationMetrics metrics = challenger.metrics();
    Integer championVersion = champion.map(Champion::version).orElse(null);
    String unscoredNote =
        champion
            .filter(c -> !c.scored())
            .map(
                c ->
                    "champion v"
                        + c.version()
                        + " "
                        + c.unscoredBecause()
                        + ": judged against the majority baseline; ")
            .orElse("");
    Optional<String> belowThreshold = belowAbsoluteThreshold(metrics);
    if (belowThreshold.isPresent()) {
      return new Decision(false, unscoredNote + belowThreshold.get(), championVersion);
    }
    Double championMacroF1 =
        champion
            .filter(Champion::scored)
            .map(
                c ->
                    ClassificationMetrics.macroF1(
                        challenger.actual(), c.predicted(), metrics.labels().size()))
            .orElse(null);
    if (champion.isPresent() && challenger.version() <= championVersion) {
      // a replayed older version never takes the crown back, scored champion or not
      String scores =
          championMacroF1 == null
              ? "; champion " + champion.get().unscoredBecause()
              : String.format(
                  Locale.ROOT, "; macro F1 %.4f vs %.4f", metrics.macroF1(), championMacroF1);
      return new Decision(
          false,
          String.format(
                  Locale.ROOT,
                  "version %d is not newer than champion v%d",
                  challenger.version(),
                  championVersion)
              + scores,
          championVersion,
          null,
          championMacroF1);
    }
    if (championMacroF1 == null) {
      boolean promoted = metrics.macroF1() > metrics.majorityBaselineMacroF1() + TOLERANCE;
      String reason =
          String.format(
              Locale.ROOT,
              "macro F1 %.4f %s majority baseline %.4f%s",
              metrics.macroF1(),
              promoted ? ">" : "<=",
              metrics.majorityBaselineMacroF1(),
              champion.isEmpty() ? " (no champion yet)" : "");
      return new Decision(promoted, unscoredNote + reason, championVersion);
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
              championVersion,
              metrics.macroF1(),
              championMacroF1),
          championVersion,
          null,
          championMacroF1);
    }
    double macroF1Gain = metrics.macroF1() - championMacroF1;
    PairedComparison comparison = compare(challenger, champion.get(), macroF1Gain);
    return judge(macroF1Gain, comparison, championVersion, metrics.size(), championMacroF1);
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

  private PairedComparison compare(Challenger challenger, Champion champion, double macroF1Gain) {
    double level = 1 - gate.alpha();
    return switch (gate.test()) {
      case BOOTSTRAP -> {
        Bootstrap.Draws draws = challenger.draws();
        if (draws == null || draws.macroF1Differences() == null) {
          draws =
              bootstrap()
                  .draw(
                      challenger.actual(),
                      challenger.predicted(),
                      champion.predicted(),
                      challenger.metrics().labels().size());
        }
        yield PairedTests.bootstrapMacroF1(
            macroF1Gain, draws, level, gate.mode() == GateSpec.Mode.SUPERIOR ? 0 : -gate.margin());
      }
      case MCNEMAR ->
          PairedTests.mcNemarAccuracy(
              challenger.actual(), challenger.predicted(), champion.predicted(), level);
    };
  }

  private Decision judge(
      double macroF1Gain,
      PairedComparison comparison,
      int champion,
      int examples,
      double championMacroF1) {
    String measured =
        String.format(
            Locale.ROOT,
            "%s vs champion v%d on %d examples: difference %+.4f, %s%% interval [%+.4f, %+.4f],"
                + " p = %s",
            comparison.test(),
            champion,
            examples,
            comparison.difference(),
            plain(Math.round(comparison.interval().level() * 100_000) / 1000.0),
            comparison.interval().low(),
            comparison.interval().high(),
            pValue(comparison.pValue()));
    String alpha = plain(gate.alpha());
    if (gate.mode() == GateSpec.Mode.NON_INFERIOR) {
      boolean promoted = comparison.interval().low() > -gate.margin();
      return new Decision(
          promoted,
          measured
              + String.format(
                  Locale.ROOT,
                  " (α %s); interval low %s −margin %s: %s",
                  alpha,
                  promoted ? ">" : "<=",
                  plain(gate.margin()),
                  promoted ? "not worse, promoted" : "may be worse, the champion stays"),
          champion,
          comparison,
          championMacroF1);
    }
    boolean better = comparison.difference() > 0 && comparison.pValue() < gate.alpha();
    if (!better) {
      return new Decision(
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
          champion,
          comparison,
          championMacroF1);
    }
    if (macroF1Gain + TOLERANCE < minMacroF1Gain) {
      return new Decision(
          false,
          measured
              + String.format(
                  Locale.ROOT,
                  " < α %s, but the macro F1 gain %.4f < evaluator.minMacroF1Gain %s: the champion"
                      + " stays",
                  alpha,
                  macroF1Gain,
                  plain(minMacroF1Gain)),
          champion,
          comparison,
          championMacroF1);
    }
    return new Decision(
        true,
        measured + " < α " + alpha + ": significantly better, promoted",
        champion,
        comparison,
        championMacroF1);
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
