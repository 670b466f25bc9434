package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.streamtune.spec.TrainerSpec;
import java.util.Map;
import java.util.Random;
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

  /** Noise with a bright square top-left (class 0) or bottom-right (class 1). */
  private static ExampleBuffer.Snapshot squares(int n, long seed) {
    Random random = new Random(seed);
    ExampleBuffer buffer = new ExampleBuffer(1000, 2, 1L);
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      byte[] pixels = new byte[784];
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = (byte) random.nextInt(50);
      }
      int offset = label == 0 ? 3 : 15;
      for (int y = offset; y < offset + 10; y++) {
        for (int x = offset; x < offset + 10; x++) {
          pixels[y * 28 + x] = (byte) 255;
        }
      }
      buffer.add(new ExampleBuffer.Item("s-" + i, label, null, pixels, null));
    }
    return buffer.snapshot();
  }

  @Test
  void theFirstRoundRunsAllEpochsAndAWarmOneItsShareAtTheLowerRate() {
    ExampleBuffer.Snapshot data = squares(96, 1);
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
          .isCloseTo(0.001 * SPEC.warmLrFactor(), within(1e-12));
    }
  }
}
