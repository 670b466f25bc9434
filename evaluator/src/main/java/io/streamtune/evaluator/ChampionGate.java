package io.streamtune.evaluator;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a newly evaluated model version replaces the champion (the last promoted version
 * of the same model).
 *
 * <ul>
 *   <li>With no champion, a version is promoted when its macro F1 is strictly above the majority
 *       baseline's: a model no better than always answering the most frequent class is not worth
 *       serving.
 *   <li>With a champion, a version is promoted when its macro F1 is at least the champion's plus
 *       {@code minMacroF1Gain} (both measured on the same holdout by the caller), and it is newer
 *       than the champion (a replayed older version never takes the crown back).
 * </ul>
 *
 * <p>Scores are compared with a tolerance of {@value #TOLERANCE} so that a challenger scoring
 * exactly the champion's F1 plus the gain is not refused by a rounding error in the sum.
 */
public final class ChampionGate {

  static final double TOLERANCE = 1e-9;

  /** The current champion and its macro F1 on the holdout the challenger is scored on. */
  public record Champion(int version, double macroF1) {}

  /**
   * @param championVersion the champion before this decision, if any
   */
  public record Decision(boolean promoted, String reason, Integer championVersion) {}

  private final double minMacroF1Gain;

  public ChampionGate(double minMacroF1Gain) {
    if (!Double.isFinite(minMacroF1Gain)) {
      throw new IllegalArgumentException("minMacroF1Gain must be finite, got " + minMacroF1Gain);
    }
    this.minMacroF1Gain = minMacroF1Gain;
  }

  public double minMacroF1Gain() {
    return minMacroF1Gain;
  }

  public Decision decide(
      int version, double macroF1, double majorityBaselineMacroF1, Optional<Champion> champion) {
    if (champion.isEmpty()) {
      boolean promoted = macroF1 > majorityBaselineMacroF1 + TOLERANCE;
      String reason =
          String.format(
              Locale.ROOT,
              "macro F1 %.4f %s majority baseline %.4f (no champion yet)",
              macroF1,
              promoted ? ">" : "<=",
              majorityBaselineMacroF1);
      return new Decision(promoted, reason, null);
    }
    Champion current = champion.get();
    if (version <= current.version()) {
      return new Decision(
          false,
          String.format(
              Locale.ROOT,
              "version %d is not newer than champion v%d; macro F1 %.4f vs %.4f",
              version,
              current.version(),
              macroF1,
              current.macroF1()),
          current.version());
    }
    boolean promoted = macroF1 + TOLERANCE >= current.macroF1() + minMacroF1Gain;
    String reason =
        String.format(
            Locale.ROOT,
            "macro F1 %.4f %s champion v%d %.4f + %.4f",
            macroF1,
            promoted ? ">=" : "<",
            current.version(),
            current.macroF1(),
            minMacroF1Gain);
    return new Decision(promoted, reason, current.version());
  }
}
