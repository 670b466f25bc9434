package io.streamtune.model.training;

import io.streamtune.spec.TrainerSpec;

/**
 * How much a round trains, from how much of its buffer is new: the first (cold) round trains all
 * {@code epochs}; a warm round, which continues from weights already trained on most of the buffer,
 * trains in proportion to what is new, at a lower rate, and is averaged with the previous version.
 *
 * <p>Why: retraining all epochs over the whole buffer from the last weights on every ~1% of new
 * examples walks the model far from the previous version each time, and consecutive versions then
 * disagree by more than the holdout can tell apart (issue 18). A step budget of {@code epochs}
 * passes over the new examples (times {@code warmRoundScaling}) still lets them be learned, while
 * the lower rate and the average over versions keep each version close to the one before.
 *
 * @param scaling {@code trainer.warmRoundScaling}: 0 gives every round the full budget
 * @param lrFactor {@code trainer.warmLrFactor}: the rate factor of a round with (almost) nothing
 *     new; it rises linearly to 1 as the new share does
 * @param ema {@code trainer.warmEma}: the EMA decay with nothing new, falling to 0 likewise
 */
public record WarmRoundPolicy(double scaling, double lrFactor, double ema) {

  /** Every round as the first: all epochs, the full rate, no averaging (the behaviour before). */
  public static final WarmRoundPolicy OFF = new WarmRoundPolicy(0, 1, 0);

  public WarmRoundPolicy {
    if (!(scaling >= 0) || Double.isInfinite(scaling)) {
      throw new IllegalArgumentException("warm round scaling must be >= 0, got " + scaling);
    }
    if (!(lrFactor > 0 && lrFactor <= 1)) {
      throw new IllegalArgumentException(
          "warm learning-rate factor must be in (0, 1]: " + lrFactor);
    }
    if (!(ema >= 0 && ema < 1)) {
      throw new IllegalArgumentException("warm EMA decay must be in [0, 1), got " + ema);
    }
  }

  public static WarmRoundPolicy from(TrainerSpec spec) {
    return new WarmRoundPolicy(spec.warmRoundScaling(), spec.warmLrFactor(), spec.warmEma());
  }

  /**
   * The plan of one round.
   *
   * @param warm whether the model already holds trained weights (an earlier round, or a stored
   *     version it continues from)
   * @param newExamples examples added to the buffer since the last round (some may have been
   *     evicted again: the share is capped at 1)
   * @param bufferSize examples the round trains on
   */
  public RoundPlan plan(boolean warm, long newExamples, int bufferSize) {
    if (newExamples < 0 || bufferSize <= 0) {
      throw new IllegalArgumentException(
          "a round needs a non-empty buffer and a count of new examples >= 0, got "
              + newExamples
              + " of "
              + bufferSize);
    }
    double newShare = Math.min(1.0, newExamples / (double) bufferSize);
    if (!warm) {
      return RoundPlan.full(newShare);
    }
    double budget = scaling == 0 ? 1.0 : Math.min(1.0, newShare * scaling);
    // the previous weights know (1 - newShare) of the buffer: the rate falls and the EMA holds on
    // in that proportion, so a round on a mostly new buffer (after a drift) learns like a first one
    double known = 1 - newShare;
    return new RoundPlan(true, newShare, budget, 1 - (1 - lrFactor) * known, ema * known);
  }
}
