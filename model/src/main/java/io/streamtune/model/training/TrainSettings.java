package io.streamtune.model.training;

import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.PipelineSpec.TrainerSpec;
import io.streamtune.spec.PipelineSpec.TrainerSpec.LrSchedule;
import io.streamtune.spec.PipelineSpec.TrainerSpec.OptimizerKind;
import io.streamtune.spec.PipelineSpec.TrainerSpec.Strategy;

/**
 * How one round trains, read from the spec's {@code trainer} section (see its keys there).
 *
 * @param unfreezeLastBlocks backbone blocks (counted from the top) that train under {@link
 *     Strategy#PARTIAL}
 * @param gradualUnfreezing epochs per newly unfrozen block, 0 for all at once
 */
public record TrainSettings(
    Strategy strategy,
    int unfreezeLastBlocks,
    double backboneLrFactor,
    int gradualUnfreezing,
    OptimizerKind optimizer,
    LrSchedule schedule,
    double warmupFraction,
    double learningRate,
    double weightDecay,
    int epochs,
    int batchSize,
    double validationFraction,
    int patience,
    long seed) {

  public TrainSettings {
    if (epochs < 1 || batchSize < 1 || unfreezeLastBlocks < 1 || patience < 1) {
      throw new IllegalArgumentException(
          "epochs, batchSize, unfreezeLastBlocks and patience must be >= 1");
    }
    if (!(learningRate > 0) || !(backboneLrFactor > 0)) {
      throw new IllegalArgumentException("learning rates must be > 0");
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validationFraction must be in [0, 1), got " + validationFraction);
    }
  }

  public static TrainSettings from(TrainerSpec spec, Modality modality) {
    return new TrainSettings(
        spec.strategyFor(modality),
        spec.unfreezeLastBlocks(),
        spec.backboneLrFactor(),
        spec.gradualUnfreezing(),
        spec.optimizer(),
        spec.lrSchedule(),
        spec.warmupFraction(),
        spec.learningRate(),
        spec.weightDecay(),
        spec.epochs(),
        spec.batchSize(),
        spec.validationFraction(),
        spec.earlyStoppingPatience(),
        spec.seed());
  }

  /** Plain Adam, constant rate, every parameter trained, no validation slice. */
  public static TrainSettings simple(
      double learningRate, double weightDecay, int epochs, int batchSize, long seed) {
    return new TrainSettings(
        Strategy.FULL,
        1,
        1.0,
        0,
        OptimizerKind.ADAM,
        LrSchedule.CONSTANT,
        0.1,
        learningRate,
        weightDecay,
        epochs,
        batchSize,
        0.0,
        3,
        seed);
  }

  public TrainSettings withStrategy(Strategy newStrategy, int lastBlocks) {
    return new TrainSettings(
        newStrategy,
        lastBlocks,
        backboneLrFactor,
        gradualUnfreezing,
        optimizer,
        schedule,
        warmupFraction,
        learningRate,
        weightDecay,
        epochs,
        batchSize,
        validationFraction,
        patience,
        seed);
  }

  public TrainSettings withBackboneLrFactor(double factor) {
    return new TrainSettings(
        strategy,
        unfreezeLastBlocks,
        factor,
        gradualUnfreezing,
        optimizer,
        schedule,
        warmupFraction,
        learningRate,
        weightDecay,
        epochs,
        batchSize,
        validationFraction,
        patience,
        seed);
  }

  public TrainSettings withGradualUnfreezing(int epochsPerBlock) {
    return new TrainSettings(
        strategy,
        unfreezeLastBlocks,
        backboneLrFactor,
        epochsPerBlock,
        optimizer,
        schedule,
        warmupFraction,
        learningRate,
        weightDecay,
        epochs,
        batchSize,
        validationFraction,
        patience,
        seed);
  }

  public TrainSettings withEarlyStopping(double fraction, int epochsWithoutGain) {
    return new TrainSettings(
        strategy,
        unfreezeLastBlocks,
        backboneLrFactor,
        gradualUnfreezing,
        optimizer,
        schedule,
        warmupFraction,
        learningRate,
        weightDecay,
        epochs,
        batchSize,
        fraction,
        epochsWithoutGain,
        seed);
  }

  public TrainSettings withSchedule(OptimizerKind kind, LrSchedule newSchedule) {
    return new TrainSettings(
        strategy,
        unfreezeLastBlocks,
        backboneLrFactor,
        gradualUnfreezing,
        kind,
        newSchedule,
        warmupFraction,
        learningRate,
        weightDecay,
        epochs,
        batchSize,
        validationFraction,
        patience,
        seed);
  }

  /** How many backbone blocks (from the top) train in a given epoch of a round (0-based). */
  public int unfrozenBlocks(int epoch, int backboneBlocks) {
    int allowed =
        switch (strategy) {
          case LINEAR_PROBE -> 0;
          case PARTIAL -> Math.min(unfreezeLastBlocks, backboneBlocks);
          case FULL -> backboneBlocks;
        };
    if (gradualUnfreezing <= 0) {
      return allowed;
    }
    return Math.min(allowed, epoch / gradualUnfreezing);
  }
}
