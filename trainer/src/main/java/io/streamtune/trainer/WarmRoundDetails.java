package io.streamtune.trainer;

import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.RoundPlan;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a round's plan made it do, as the version's {@code training.json} records it. */
final class WarmRoundDetails {

  private WarmRoundDetails() {}

  /**
   * {@code round}: whether it was warm, how many of its examples were new and their share, the
   * share of a full round's steps it was given, the base learning rate it ran at and the EMA decay
   * it was averaged with (epochs run and steps are in the common fields).
   */
  static Map<String, Object> of(RoundLoop.Result result, long newExamples) {
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
