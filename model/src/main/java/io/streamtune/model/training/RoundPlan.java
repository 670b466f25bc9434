package io.streamtune.model.training;

/**
 * What one round does ({@link WarmRoundPolicy} decides it; {@link RoundLoop} carries it out).
 *
 * @param warm whether the round continues from trained weights
 * @param newShare share of the round's examples that are new since the last round, in [0, 1]
 * @param budgetShare share of the full round's steps ({@code epochs} passes) to run, in [0, 1];
 *     {@link #steps} runs at least one step (a round with nothing new)
 * @param lrFactor the round's learning rate is the spec's times this, in (0, 1]
 * @param emaDecay after the round the parameters become this x their values before the round + (1 -
 *     this) x the trained ones; 0 keeps the trained ones
 */
public record RoundPlan(
    boolean warm, double newShare, double budgetShare, double lrFactor, double emaDecay) {

  public RoundPlan {
    if (!(newShare >= 0 && newShare <= 1)) {
      throw new IllegalArgumentException("new share must be in [0, 1], got " + newShare);
    }
    if (!(budgetShare >= 0 && budgetShare <= 1)) {
      throw new IllegalArgumentException("budget share must be in [0, 1], got " + budgetShare);
    }
    if (!(lrFactor > 0 && lrFactor <= 1)) {
      throw new IllegalArgumentException("learning-rate factor must be in (0, 1]: " + lrFactor);
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
    }
  }

  /** All epochs at the spec's rate, nothing averaged: a first round, or any round before. */
  public static RoundPlan full(double newShare) {
    return new RoundPlan(false, newShare, 1.0, 1.0, 0.0);
  }

  /** Steps to run out of a full round's {@code fullSteps}: the budget's share, at least one. */
  public int steps(int fullSteps) {
    if (fullSteps <= 0) {
      throw new IllegalArgumentException("a full round has at least one step, got " + fullSteps);
    }
    return (int) Math.max(1, Math.min(fullSteps, Math.ceil(budgetShare * fullSteps - 1e-9)));
  }
}
