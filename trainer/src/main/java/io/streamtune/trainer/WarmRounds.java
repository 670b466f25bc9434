package io.streamtune.trainer;

import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.RoundPlan;
import io.streamtune.model.training.WarmRoundPolicy;
import io.streamtune.spec.TrainerSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The warm-round bookkeeping of a trainer that warm-starts round after round: plans each round from
 * the count of new examples ({@link WarmRoundPolicy}), marks the model warm once a round ran, and
 * keeps what the last plan made it do for the version's {@code training.json}.
 */
final class WarmRounds {

  private final WarmRoundPolicy policy;
  // true once the model is trained: after a round, or from the start when resuming a version
  private boolean warm;
  private Map<String, Object> lastRound = Map.of();

  WarmRounds(TrainerSpec spec, boolean warm) {
    this.policy = WarmRoundPolicy.from(spec);
    this.warm = warm;
  }

  /**
   * Runs one round with the plan for {@code newExamples} of the snapshot's examples; a round that
   * throws leaves the model as warm as it was and the last round's details as they were.
   */
  RoundLoop.Result run(
      ExampleBuffer.Snapshot data, long newExamples, Function<RoundPlan, RoundLoop.Result> round) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    RoundLoop.Result result = round.apply(policy.plan(warm, newExamples, data.size()));
    warm = true;
    lastRound = details(result, newExamples);
    return result;
  }

  /** The last round's plan (warm or not, new share, step budget, rate, EMA); none before one. */
  Map<String, Object> lastRound() {
    return lastRound;
  }

  /**
   * {@code round}: whether it was warm, how many of its examples were new and their share, the
   * share of a full round's steps it was given, the base learning rate it ran at and the EMA decay
   * it was averaged with (epochs run and steps are in the common fields).
   */
  private static Map<String, Object> details(RoundLoop.Result result, long newExamples) {
    RoundPlan plan = result.plan();
    Map<String, Object> round = new LinkedHashMap<>();
    round.put("warm", plan.warm());
    round.put("newExamples", newExamples);
    round.put("newShare", plan.newShare());
    round.put("stepBudgetShare", plan.budgetShare());
    round.put("learningRate", result.learningRate());
    round.put("emaDecay", plan.emaDecay());
    return Map.of("round", round);
  }
}
