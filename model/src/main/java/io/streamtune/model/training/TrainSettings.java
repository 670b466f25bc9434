package io.streamtune.model.training;

import io.streamtune.spec.PipelineSpec.Modality;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TrainerSpec.LrSchedule;
import io.streamtune.spec.TrainerSpec.OptimizerKind;
import io.streamtune.spec.TrainerSpec.Strategy;

/**
 * How one round trains: a view of the spec's {@code trainer} section (each key is declared, with
 * its default and allowed values, in {@link TrainerSpec}) with the modality's strategy resolved.
 *
 * @param strategy the strategy in effect ({@link TrainerSpec#strategyFor})
 */
public record TrainSettings(TrainerSpec spec, Strategy strategy) {

  public TrainSettings {
    if (spec == null || strategy == null) {
      throw new IllegalArgumentException("train settings need a trainer spec and a strategy");
    }
  }

  public static TrainSettings from(TrainerSpec spec, Modality modality) {
    return new TrainSettings(spec, spec.strategyFor(modality));
  }

  /** Plain Adam, constant rate, every parameter trained, no validation slice. */
  public static TrainSettings simple(
      double learningRate, double weightDecay, int epochs, int batchSize, long seed) {
    TrainerSpec spec =
        TrainerSpec.defaults()
            .with(TrainerSpec.LEARNING_RATE, learningRate)
            .with(TrainerSpec.WEIGHT_DECAY, weightDecay)
            .with(TrainerSpec.EPOCHS, epochs)
            .with(TrainerSpec.BATCH_SIZE, batchSize)
            .with(TrainerSpec.SEED, seed);
    return new TrainSettings(spec, Strategy.FULL);
  }

  /** The same settings with one trainer key changed (checked against its declaration). */
  public <T> TrainSettings with(io.streamtune.spec.Setting<T> setting, T value) {
    return new TrainSettings(spec.with(setting, value), strategy);
  }

  public TrainSettings withStrategy(Strategy newStrategy, int lastBlocks) {
    return new TrainSettings(spec.with(TrainerSpec.UNFREEZE_LAST_BLOCKS, lastBlocks), newStrategy);
  }

  public int unfreezeLastBlocks() {
    return spec.unfreezeLastBlocks();
  }

  public double backboneLrFactor() {
    return spec.backboneLrFactor();
  }

  public int gradualUnfreezing() {
    return spec.gradualUnfreezing();
  }

  public OptimizerKind optimizer() {
    return spec.optimizer();
  }

  public LrSchedule schedule() {
    return spec.lrSchedule();
  }

  public double warmupFraction() {
    return spec.warmupFraction();
  }

  public double learningRate() {
    return spec.learningRate();
  }

  public double weightDecay() {
    return spec.weightDecay();
  }

  public int epochs() {
    return spec.epochs();
  }

  public int batchSize() {
    return spec.batchSize();
  }

  public double validationFraction() {
    return spec.validationFraction();
  }

  public int patience() {
    return spec.earlyStoppingPatience();
  }

  public long seed() {
    return spec.seed();
  }

  /** How many backbone blocks (from the top) train in a given epoch of a round (0-based). */
  public int unfrozenBlocks(int epoch, int backboneBlocks) {
    int allowed =
        switch (strategy) {
          case LINEAR_PROBE -> 0;
          case PARTIAL -> Math.min(spec.unfreezeLastBlocks(), backboneBlocks);
          case FULL -> backboneBlocks;
        };
    int gradual = spec.gradualUnfreezing();
    if (gradual <= 0) {
      return allowed;
    }
    return Math.min(allowed, epoch / gradual);
  }
}
