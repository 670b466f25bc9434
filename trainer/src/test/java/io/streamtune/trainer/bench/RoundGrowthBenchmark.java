package io.streamtune.trainer.bench;

import ai.djl.Device;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.trainer.ExampleBuffer;
import io.streamtune.trainer.ModelTrainer;
import io.streamtune.trainer.TabularMlpRoundTrainer;
import java.util.Locale;
import java.util.Random;

/**
 * bench/growth.sh: one full tabular round (the default MLP and settings of {@link
 * TrainerSpec#defaults()}, every example new) by buffer size, on seeded synthetic rows of 30
 * features and 2 classes (the credit demo's width). Each size trains twice in a fresh trainer: the
 * first round includes JIT and libtorch warm-up, the second is the steady cost.
 *
 * <p>Arguments: buffer sizes (default 1000 10000 100000).
 */
public final class RoundGrowthBenchmark {

  private static final int FEATURES = 30;

  private RoundGrowthBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = args.length == 0 ? new int[] {1_000, 10_000, 100_000} : parse(args);
    TrainerSpec spec = TrainerSpec.defaults();
    for (int size : sizes) {
      ExampleBuffer.Snapshot data = synthetic(size, new Random(size));
      for (int round = 1; round <= 2; round++) {
        try (TabularMlpRoundTrainer trainer =
            TabularMlpRoundTrainer.create("growth", FEATURES, 2, spec, Device.cpu())) {
          ModelTrainer.Result result = trainer.train(data, () -> false);
          System.out.printf(
              Locale.ROOT,
              "RESULT buffer=%d round=%d ms=%d epochs=%d steps=%d ms_per_example_epoch=%.4f%n",
              size,
              round,
              result.durationMs(),
              result.epochs(),
              result.steps(),
              result.durationMs() / (double) size / Math.max(1, result.epochs()));
        }
      }
    }
  }

  private static int[] parse(String[] args) {
    int[] sizes = new int[args.length];
    for (int i = 0; i < args.length; i++) {
      sizes[i] = Integer.parseInt(args[i]);
    }
    return sizes;
  }

  private static ExampleBuffer.Snapshot synthetic(int rows, Random random) {
    float[][] features = new float[rows][FEATURES];
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
      for (int d = 0; d < FEATURES; d++) {
        features[i][d] = (float) (random.nextGaussian() + (d < 5 ? labels[i] : 0));
      }
    }
    return new ExampleBuffer.Snapshot(features, labels, 2);
  }
}
