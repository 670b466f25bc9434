package io.streamtune.trainer;

import java.util.function.BooleanSupplier;

/**
 * A trainer whose rounds depend on how many examples are new ({@code trainer.warmRoundScaling}): it
 * implements the counted round, and a round without a count is a full one, every example new.
 */
interface WarmStartingTrainer extends ModelTrainer {

  /** A round in which every example counts as new. */
  @Override
  default Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    return train(data, data.size(), cancelled);
  }

  @Override
  Result train(ExampleBuffer.Snapshot data, long newExamples, BooleanSupplier cancelled);
}
