package io.streamtune.model.training;

import ai.djl.training.tracker.ParameterTracker;
import io.streamtune.spec.TrainerSpec.LrSchedule;
import java.util.HashMap;
import java.util.Map;

/**
 * The learning rate of every parameter at the current step of a round: the base rate, shaped by the
 * schedule over the round's planned steps, times the parameter's factor (the backbone's
 * discriminative factor; 1 for the head).
 *
 * <p>DJL's optimizers ask a {@link ParameterTracker} per parameter with that parameter's own update
 * count, which keeps growing across rounds and differs between parameters unfrozen at different
 * times. The schedule here runs on the round's step instead (set by the loop before each update),
 * so every round gets the whole schedule and all parameters move in step.
 */
public final class ScheduledLearningRate implements ParameterTracker {

  private final double baseRate;
  private final LrSchedule schedule;
  private final double warmupFraction;
  private final Map<String, Float> factors = new HashMap<>();
  private volatile int step;
  private volatile int totalSteps = 1;
  private volatile double roundFactor = 1;

  public ScheduledLearningRate(double baseRate, LrSchedule schedule, double warmupFraction) {
    this.baseRate = baseRate;
    this.schedule = schedule;
    this.warmupFraction = warmupFraction;
  }

  /** Multiplies the rate of one parameter (by its DJL id). */
  public void setFactor(String parameterId, float factor) {
    factors.put(parameterId, factor);
  }

  public void startRound(int plannedSteps) {
    startRound(plannedSteps, 1);
  }

  /** A round of {@code plannedSteps} whose rates are all {@code factor} times the base's. */
  public void startRound(int plannedSteps, double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("a round's rate factor must be > 0, got " + factor);
    }
    totalSteps = Math.max(1, plannedSteps);
    roundFactor = factor;
    step = 0;
  }

  /** The round's rate before its schedule: the base rate times the round's factor. */
  public double roundRate() {
    return baseRate * roundFactor;
  }

  public void setStep(int stepInRound) {
    step = stepInRound;
  }

  /** The scheduled rate (before any parameter's factor) at a step of the round. */
  public double rateAt(int stepInRound) {
    double rate = roundRate();
    double progress = Math.min(1.0, stepInRound / (double) totalSteps);
    return switch (schedule) {
      case CONSTANT -> rate;
      case COSINE -> rate * 0.5 * (1 + Math.cos(Math.PI * progress));
      case WARMUP_LINEAR -> {
        int warmupSteps = (int) Math.round(warmupFraction * totalSteps);
        if (stepInRound < warmupSteps) {
          yield rate * (stepInRound + 1) / (double) warmupSteps;
        }
        int decaySteps = Math.max(1, totalSteps - warmupSteps);
        yield rate * Math.max(0.0, 1.0 - (stepInRound - warmupSteps) / (double) decaySteps);
      }
    };
  }

  @Override
  public float getNewValue(String parameterId, int numUpdate) {
    return (float) (rateAt(step) * factors.getOrDefault(parameterId, 1f));
  }
}
