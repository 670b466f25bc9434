package io.streamtune.feedback;

import io.streamtune.model.metrics.McNemar;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a newly promoted champion is significantly worse than its predecessor, from the
 * records both scored (the predecessor as SHADOW) once their labels came: McNemar's exact test on
 * the discordant pairs, b = champion wrong and shadow right, c = champion right and shadow wrong.
 * The champion is rolled back when b &gt; c and p &lt; α. The test runs each time the number of
 * pairs reaches a multiple of {@code minPairs}, not after every pair: fewer looks at the same data
 * keep the chance of a false rollback of an equal model near α. A verdict is given once per
 * champion version.
 */
public final class RollbackJudge {

  /** The serializable state of one champion version. */
  public record State(
      int championVersion,
      int shadowVersion,
      long pairs,
      long championWrongShadowRight,
      long championRightShadowWrong,
      long championRight,
      long shadowRight,
      boolean decided) {

    public static State start(int championVersion, int shadowVersion) {
      return new State(championVersion, shadowVersion, 0, 0, 0, 0, 0, false);
    }
  }

  /** The decision to roll back, with its figures. */
  public record Verdict(
      int badVersion,
      int predecessorVersion,
      long pairs,
      long b,
      long c,
      double pValue,
      double championAccuracy,
      double predecessorAccuracy,
      String reason) {}

  private final double alpha;
  private final int minPairs;

  public RollbackJudge(double alpha, int minPairs) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    if (minPairs < 1) {
      throw new IllegalArgumentException("minPairs must be at least 1, got " + minPairs);
    }
    this.alpha = alpha;
    this.minPairs = minPairs;
  }

  /** The state after one more labelled pair. */
  public State add(State state, boolean championRight, boolean shadowRight) {
    return new State(
        state.championVersion(),
        state.shadowVersion(),
        state.pairs() + 1,
        state.championWrongShadowRight() + (!championRight && shadowRight ? 1 : 0),
        state.championRightShadowWrong() + (championRight && !shadowRight ? 1 : 0),
        state.championRight() + (championRight ? 1 : 0),
        state.shadowRight() + (shadowRight ? 1 : 0),
        state.decided());
  }

  /** A rollback verdict when {@code state} calls for one now (and none was given before). */
  public Optional<Verdict> judge(State state) {
    if (state.decided() || state.pairs() < minPairs || state.pairs() % minPairs != 0) {
      return Optional.empty();
    }
    long b = state.championWrongShadowRight();
    long c = state.championRightShadowWrong();
    if (b <= c) {
      return Optional.empty();
    }
    double p = McNemar.pValue(b, c);
    if (!(p < alpha)) {
      return Optional.empty();
    }
    double championAccuracy = (double) state.championRight() / state.pairs();
    double predecessorAccuracy = (double) state.shadowRight() / state.pairs();
    String reason =
        String.format(
            Locale.ROOT,
            "rolled back v%d to v%d: online accuracy %.4f vs %.4f on %d labelled records both"
                + " scored; McNemar exact p = %.3g < α %s (v%d alone wrong %d times, v%d alone"
                + " wrong %d times)",
            state.championVersion(),
            state.shadowVersion(),
            championAccuracy,
            predecessorAccuracy,
            state.pairs(),
            p,
            alpha,
            state.championVersion(),
            b,
            state.shadowVersion(),
            c);
    return Optional.of(
        new Verdict(
            state.championVersion(),
            state.shadowVersion(),
            state.pairs(),
            b,
            c,
            p,
            championAccuracy,
            predecessorAccuracy,
            reason));
  }

  public static State decided(State state) {
    return new State(
        state.championVersion(),
        state.shadowVersion(),
        state.pairs(),
        state.championWrongShadowRight(),
        state.championRightShadowWrong(),
        state.championRight(),
        state.shadowRight(),
        true);
  }
}
