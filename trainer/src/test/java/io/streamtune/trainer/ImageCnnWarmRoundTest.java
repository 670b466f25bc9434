package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.streamtune.spec.TrainerSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The image CNN plans its rounds like the MLP: all epochs first, then a share of them. */
class ImageCnnWarmRoundTest {

  private static final TrainerSpec SPEC =
      TrainerSpec.defaults()
          .with(TrainerSpec.BACKBONE, TrainerSpec.SCRATCH)
          .with(TrainerSpec.EPOCHS, 4)
          .with(TrainerSpec.BATCH_SIZE, 16)
          .with(TrainerSpec.LEARNING_RATE, 0.001)
          .with(TrainerSpec.WARM_ROUND_SCALING, 2.0)
          .with(TrainerSpec.SEED, 3L);

  @Test
  void theFirstRoundRunsAllEpochsAndAWarmOneItsShareAtTheLowerRate() {
    ExampleBuffer.Snapshot data = UserBackboneTest.squares(96, 1);
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(SPEC, 2, Device.cpu())) {
      ModelTrainer.Result cold = trainer.train(data, 96, () -> false);
      assertThat(cold.epochs()).isEqualTo(4);
      assertThat(cold.steps()).isEqualTo(4 * 6);

      // 6 new of 96 = 6.25% x scaling 2 of 24 steps = 3 steps
      ModelTrainer.Result warm = trainer.train(data, 6, () -> false);
      assertThat(warm.steps()).isEqualTo(3);
      assertThat(warm.epochs()).isEqualTo(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> round = (Map<String, Object>) trainer.trainingDetails().get("round");
      assertThat(round.get("warm")).isEqualTo(true);
      assertThat(round.get("newExamples")).isEqualTo(6L);
      assertThat((double) round.get("stepBudgetShare")).isCloseTo(0.125, within(1e-12));
      assertThat((double) round.get("learningRate"))
          .isCloseTo(0.001 * (1 - (1 - SPEC.warmLrFactor()) * (1 - 6 / 96.0)), within(1e-12));
    }
  }
}
