package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamtune.ingest.IdxImageReader;
import io.streamtune.model.image.LabeledImages;
import io.streamtune.model.image.SmallCnnPretraining;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped MNIST-pretrained backbone, fine-tuned on 1,000 Fashion-MNIST images, against the same
 * CNN trained from scratch on the same 1,000 (same seed, epochs and optimizer), scored on 2,000
 * test images.
 */
class TransferLearningTest {

  private static final Path FASHION = Path.of("..", "..", "shared", "datasets", "fashion-mnist");
  private static final String BACKBONE = "/backbones/mnist-cnn.params";

  /**
   * A short budget, where a pretrained start matters: measured over seeds 7/8, 2-4 epochs, lr 5e-4
   * and 1e-3, the pretrained backbone won by +0.5 to +3.9 points; at 8 epochs scratch catches up
   * (margin -0.2 to -0.7 points). See docs/architecture.md, "Image backbone".
   */
  private static final SmallCnnPretraining.Options FULL =
      new SmallCnnPretraining.Options(4, 32, 0.0005f, 7, false);

  private static LabeledImages train;
  private static LabeledImages test;

  @BeforeAll
  static void loadFashionMnist() {
    assumeTrue(
        Files.exists(FASHION.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not in ../shared/datasets");
    List<String> classes = IdxImageReader.FASHION_MNIST_CLASSES;
    train =
        ImageDatasets.loadIdx(
            FASHION.resolve("train-images-idx3-ubyte.gz"),
            FASHION.resolve("train-labels-idx1-ubyte.gz"),
            classes,
            1000);
    test =
        ImageDatasets.loadIdx(
            FASHION.resolve("t10k-images-idx3-ubyte.gz"),
            FASHION.resolve("t10k-labels-idx1-ubyte.gz"),
            classes,
            2000);
  }

  private static InputStream backbone() {
    InputStream in = TransferLearningTest.class.getResourceAsStream(BACKBONE);
    assertThat(in).as("the shipped backbone " + BACKBONE).isNotNull();
    return in;
  }

  @Test
  void pretrainedBackboneBeatsTheSameCnnFromScratch() throws Exception {
    double scratch;
    try (SmallCnnPretraining fromScratch = SmallCnnPretraining.fromScratch(10, FULL)) {
      fromScratch.train(train, epoch -> {});
      scratch = fromScratch.accuracy(test);
    }
    double transferred;
    try (InputStream in = backbone();
        SmallCnnPretraining fineTuned = SmallCnnPretraining.fromPretrained(10, FULL, in)) {
      fineTuned.train(train, epoch -> {});
      transferred = fineTuned.accuracy(test);
    }

    System.out.printf(
        Locale.ROOT,
        "Fashion-MNIST, 1,000 training images, 2,000 test images: from scratch %.4f,"
            + " MNIST-pretrained %.4f, margin %+.4f%n",
        scratch,
        transferred,
        transferred - scratch);
    assertThat(scratch).as("scratch accuracy").isGreaterThan(0.5);
    assertThat(transferred - scratch).as("transfer margin").isPositive();
  }

  @Test
  void aFrozenBackboneStaysBitIdenticalWhileTheHeadLearns() throws Exception {
    SmallCnnPretraining.Options probe = new SmallCnnPretraining.Options(4, 32, 0.001f, 7, true);
    try (InputStream in = backbone();
        SmallCnnPretraining training = SmallCnnPretraining.fromPretrained(10, probe, in)) {
      List<float[]> before = training.backboneValues();

      List<Double> losses = training.train(train.slice(0, 500), epoch -> {});

      List<float[]> after = training.backboneValues();
      assertThat(after).hasSameSizeAs(before);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).containsExactly(before.get(i));
      }
      assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
      assertThat(training.accuracy(test)).isGreaterThan(0.5);
    }
  }
}
