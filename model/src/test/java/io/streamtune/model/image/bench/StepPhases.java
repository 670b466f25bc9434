package io.streamtune.model.image.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.SmallCnn;
import io.streamtune.model.training.TrainSettings;
import java.nio.file.Path;

/**
 * Scratch A/B: production ImageClassifierFineTuner round vs a minimal DJL loop, alternating, same
 * data.
 */
public final class StepPhases {
  public static void main(String[] args) throws Exception {
    int steps = Integer.parseInt(args[0]);
    byte[][] images =
        CnnTrainBenchmark.readImages(Path.of(args[1], "train-images-idx3-ubyte.gz"), steps * 64);
    int[] labels =
        CnnTrainBenchmark.readLabels(Path.of(args[1], "train-labels-idx1-ubyte.gz"), steps * 64);
    try (ImageClassifierFineTuner tuner =
            ImageClassifierFineTuner.create(
                10, TrainSettings.simple(0.001, 0, 1, 64, 7), null, Device.cpu());
        Model model = Model.newInstance("cnn")) {
      model.setBlock(SmallCnn.classifier(SmallCnn.backbone(), 10));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.adam().build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, 1, 28, 28));
        for (int r = 0; r < 4; r++) {
          long t0 = System.nanoTime();
          tuner.train(images, labels, () -> false);
          long t1 = System.nanoTime();
          long[] phases = new long[3];
          for (int s = 0; s < steps; s++) {
            float[] pixels = new float[64 * 784];
            for (int i = 0; i < 64; i++) {
              for (int p = 0; p < 784; p++) {
                pixels[i * 784 + p] = (images[s * 64 + i][p] & 0xff) / 255f;
              }
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
              NDArray x = m.create(pixels, new Shape(64, 1, 28, 28));
              long a = System.nanoTime();
              try (GradientCollector c = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray loss = logits.logSoftmax(1).get(":, 0").mean().neg();
                long b = System.nanoTime();
                c.backward(loss);
                loss.getFloat();
                phases[0] += b - a;
                phases[1] += System.nanoTime() - b;
              }
              long d = System.nanoTime();
              trainer.step();
              phases[2] += System.nanoTime() - d;
            }
          }
          long t2 = System.nanoTime();
          System.out.printf(
              "tuner %.1f ms/step | minimal %.1f ms/step (forward %.1f backward %.1f step %.1f)%n",
              (t1 - t0) / 1e6 / steps,
              (t2 - t1) / 1e6 / steps,
              phases[0] / 1e6 / steps,
              phases[1] / 1e6 / steps,
              phases[2] / 1e6 / steps);
        }
      }
    }
  }
}
