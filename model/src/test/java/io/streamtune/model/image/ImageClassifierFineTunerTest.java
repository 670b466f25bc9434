package io.streamtune.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.spec.TrainerSpec.LrSchedule;
import io.streamtune.spec.TrainerSpec.OptimizerKind;
import io.streamtune.spec.TrainerSpec.Strategy;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fine-tuning strategies on the shipped MNIST backbone, with a small synthetic task. */
class ImageClassifierFineTunerTest {

  private static final TrainSettings BASE = TrainSettings.simple(0.001, 0.0, 2, 16, 11);

  private static LabeledImages data() {
    return SmallCnnPretrainingTest.squares(96, 21);
  }

  private static ImageClassifierFineTuner pretrained(TrainSettings settings) throws Exception {
    try (InputStream in =
        ImageClassifierFineTunerTest.class.getResourceAsStream("/backbones/mnist-cnn.params")) {
      assertThat(in).isNotNull();
      return ImageClassifierFineTuner.create(2, settings, in, Device.cpu());
    }
  }

  private static boolean identical(List<float[]> a, List<float[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return a.size() == b.size();
  }

  /** Mean absolute change of the values. */
  private static double meanChange(List<float[]> before, List<float[]> after) {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < before.size(); i++) {
      for (int j = 0; j < before.get(i).length; j++) {
        sum += Math.abs(after.get(i)[j] - before.get(i)[j]);
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void linearProbeKeepsEveryBackboneParameterBitIdentical() throws Exception {
    try (ImageClassifierFineTuner tuner = pretrained(BASE.withStrategy(Strategy.LINEAR_PROBE, 1))) {
      assertThat(tuner.backboneBlockCount()).isEqualTo(2);
      List<float[]> block0 = tuner.blockValues(0);
      List<float[]> block1 = tuner.blockValues(1);
      List<float[]> head = tuner.headValues();

      RoundLoop.Result result = tuner.train(data(), () -> false);
      tuner.train(data(), () -> false); // a second round keeps them frozen too

      assertThat(identical(tuner.blockValues(0), block0)).isTrue();
      assertThat(identical(tuner.blockValues(1), block1)).isTrue();
      assertThat(identical(tuner.headValues(), head)).isFalse();
      assertThat(result.epochLosses().get(1)).isLessThan(result.epochLosses().get(0));
      assertThat(tuner.accuracy(SmallCnnPretrainingTest.squares(64, 5))).isGreaterThan(0.9);
    }
  }

  @Test
  void partialUnfreezesExactlyTheLastKBlocks() throws Exception {
    try (ImageClassifierFineTuner tuner = pretrained(BASE.withStrategy(Strategy.PARTIAL, 1))) {
      List<float[]> block0 = tuner.blockValues(0);
      List<float[]> block1 = tuner.blockValues(1);

      tuner.train(data(), () -> false);

      assertThat(identical(tuner.blockValues(0), block0)).as("bottom block").isTrue();
      assertThat(identical(tuner.blockValues(1), block1)).as("top block").isFalse();
    }
    try (ImageClassifierFineTuner tuner = pretrained(BASE.withStrategy(Strategy.PARTIAL, 2))) {
      List<float[]> block0 = tuner.blockValues(0);
      tuner.train(data(), () -> false);
      assertThat(identical(tuner.blockValues(0), block0)).as("k=2 trains the bottom too").isFalse();
    }
  }

  @Test
  void discriminativeLearningRateMovesTheBackboneLessThanTheHead() throws Exception {
    double[] ratio = new double[2];
    double[] factors = {1.0, 0.01};
    for (int i = 0; i < factors.length; i++) {
      try (ImageClassifierFineTuner tuner =
          pretrained(BASE.with(TrainerSpec.BACKBONE_LR_FACTOR, factors[i]))) {
        List<float[]> backbone = tuner.blockValues(1);
        List<float[]> head = tuner.headValues();
        tuner.train(data(), () -> false);
        double backboneMove = meanChange(backbone, tuner.blockValues(1));
        double headMove = meanChange(head, tuner.headValues());
        ratio[i] = backboneMove / headMove;
        System.out.printf(
            Locale.ROOT,
            "backboneLrFactor %.2f: mean |change| backbone %.3g, head %.3g, ratio %.4f%n",
            factors[i],
            backboneMove,
            headMove,
            ratio[i]);
        assertThat(backboneMove).isPositive();
      }
    }
    // Adam's steps scale with the rate: a factor of 0.01 shrinks the backbone's moves ~100x
    assertThat(ratio[1]).isLessThan(0.05);
    assertThat(ratio[1]).isLessThan(ratio[0] / 20);
  }

  @Test
  void gradualUnfreezingAddsOneBlockFromTheTopPerEpochs() throws Exception {
    // 2 epochs, one block per epoch: epoch 0 trains the head, epoch 1 the top block as well
    TrainSettings settings = BASE.with(TrainerSpec.GRADUAL_UNFREEZING, 1);
    assertThat(settings.unfrozenBlocks(0, 2)).isZero();
    assertThat(settings.unfrozenBlocks(1, 2)).isEqualTo(1);
    assertThat(settings.unfrozenBlocks(5, 2)).isEqualTo(2);
    assertThat(settings.withStrategy(Strategy.PARTIAL, 1).unfrozenBlocks(5, 2)).isEqualTo(1);
    try (ImageClassifierFineTuner tuner = pretrained(settings)) {
      List<float[]> block0 = tuner.blockValues(0);
      List<float[]> block1 = tuner.blockValues(1);

      tuner.train(data(), () -> false);

      assertThat(identical(tuner.blockValues(0), block0)).isTrue();
      assertThat(identical(tuner.blockValues(1), block1)).isFalse();
    }
  }

  @Test
  void earlyStoppingStopsWhenTheValidationLossStallsAndKeepsTheBestEpoch() throws Exception {
    // random labels: nothing generalises, so the validation loss stops improving early
    LabeledImages noise = SmallCnnPretrainingTest.squares(96, 3);
    Random random = new Random(1);
    int[] labels = new int[noise.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextInt(2);
    }
    LabeledImages shuffled = new LabeledImages(noise.pixels(), labels, 2);
    TrainSettings settings =
        TrainSettings.simple(0.003, 0.0, 30, 16, 5)
            .with(TrainerSpec.VALIDATION_FRACTION, 0.25)
            .with(TrainerSpec.EARLY_STOPPING_PATIENCE, 2);
    try (ImageClassifierFineTuner tuner = pretrained(settings)) {
      RoundLoop.Result result = tuner.train(shuffled, () -> false);

      int ones = java.util.Arrays.stream(labels).sum();
      int stratified = (int) (0.25 * ones) + (int) (0.25 * (labels.length - ones));
      assertThat(result.validationExamples()).isEqualTo(stratified);
      assertThat(result.trainExamples()).isEqualTo(96 - stratified);
      assertThat(result.epochs()).isLessThan(30);
      assertThat(result.epochs() - result.bestEpoch()).isEqualTo(2);
      assertThat(result.validationLoss()).isFinite();
    }
  }

  @Test
  void sgdWithACosineScheduleLearns() throws Exception {
    TrainSettings settings =
        TrainSettings.simple(0.05, 0.0, 3, 16, 5)
            .with(TrainerSpec.OPTIMIZER, OptimizerKind.SGD)
            .with(TrainerSpec.LR_SCHEDULE, LrSchedule.COSINE);
    try (ImageClassifierFineTuner tuner = pretrained(settings)) {
      RoundLoop.Result result = tuner.train(data(), () -> false);
      assertThat(result.epochLosses().get(2)).isLessThan(result.epochLosses().get(0));
      assertThat(tuner.accuracy(SmallCnnPretrainingTest.squares(64, 5))).isGreaterThan(0.9);
    }
  }
}
