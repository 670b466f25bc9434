package io.streamtune.trainer;

import static io.streamtune.trainer.ImageRoundFixture.allBlocks;
import static io.streamtune.trainer.ImageRoundFixture.colours;
import static io.streamtune.trainer.ImageRoundFixture.same;
import static io.streamtune.trainer.ImageRoundFixture.saveVersion;
import static io.streamtune.trainer.ImageRoundFixture.scaled;
import static io.streamtune.trainer.ImageRoundFixture.spec;
import static io.streamtune.trainer.ImageRoundFixture.torchScriptResNet18;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.model.image.ZooBackbone;
import io.streamtune.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colour images of other sizes than 28x28 through the image trainer: the CNN from scratch on 32x32
 * RGB, the MNIST backbone inflated to RGB, a bring-your-own TorchScript ResNet-18 (exported by
 * Debian's torch at test time) with a frozen backbone, and the zoo backbones' offline error.
 */
class RgbImageModelsTest {

  private static double accuracy(int[] predicted, int[] labels) {
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      correct += predicted[i] == labels[i] ? 1 : 0;
    }
    return correct / (double) predicted.length;
  }

  @Test
  void theCnnFromScratchLearns32x32RgbAndItsStoredVersionScoresTheSame(@TempDir Path dir) {
    PipelineSpec spec =
        spec(
            "{width: 32, height: 32, channels: 3, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}",
            "  backbone: scratch\n  epochs: 3\n  batchSize: 16\n  learningRate: 0.003\n  seed: 1\n");
    ExampleBuffer.Snapshot unseen = colours(40, 32, 9);
    int[] trained;
    Path version;
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      assertThat(trainer.architecture())
          .isEqualTo(
              "small-cnn[conv32,conv64 | dense128] from scratch; input 32x32x3"
                  + " mean 0.5,0.5,0.5 std 0.25,0.25,0.25");
      assertThat(trainer.inputWidth()).isEqualTo(32 * 32 * 3);
      trainer.train(colours(96, 32, 1), () -> false);
      trained = trainer.tuner().predict(scaled(unseen));
      version = saveVersion(trainer, dir);
    }
    assertThat(accuracy(trained, unseen.labels())).isGreaterThan(0.9);
    try (StoredModel stored = new ModelStore(dir).load(version, Device.cpu())) {
      // the stored version reads its input shape and normalization from its architecture
      float[][] probabilities = stored.predictProbabilities(scaled(unseen));
      for (int i = 0; i < trained.length; i++) {
        assertThat(probabilities[i][trained[i]]).isGreaterThanOrEqualTo(0.5f);
      }
    }
  }

  @Test
  void theGreyMnistBackboneUnderAnRgbInputAnswersAGreyImageAsTheGreyModelDoes() {
    String trainer = "  backbone: mnist-cnn\n  strategy: linear_probe\n  seed: 3\n";
    PipelineSpec grey = spec("{width: 28, height: 28, channels: 1}", trainer);
    PipelineSpec rgb = spec("{width: 28, height: 28, channels: 3}", trainer);
    Random random = new Random(4);
    float[][] greyImages = new float[60][28 * 28];
    float[][] rgbImages = new float[60][28 * 28 * 3];
    for (int i = 0; i < greyImages.length; i++) {
      for (int p = 0; p < 28 * 28; p++) {
        float v = random.nextFloat();
        greyImages[i][p] = v;
        rgbImages[i][3 * p] = v;
        rgbImages[i][3 * p + 1] = v;
        rgbImages[i][3 * p + 2] = v;
      }
    }
    try (ImageCnnRoundTrainer greyModel = ImageCnnRoundTrainer.create(grey, 2, Device.cpu());
        ImageCnnRoundTrainer rgbModel = ImageCnnRoundTrainer.create(rgb, 2, Device.cpu());
        NDManager manager = NDManager.newBaseManager()) {
      float[] conv = rgbModel.tuner().blockValues(0).get(0);
      float[] greyConv = greyModel.tuner().blockValues(0).get(0);
      assertThat(conv).hasSize(greyConv.length * 3);
      assertThat(rgbModel.tuner().blockValues(1).get(0))
          .containsExactly(greyModel.tuner().blockValues(1).get(0));
      float[] greyFeatures =
          features(greyModel, greyModel.tuner().input().tensor(manager, flat(greyImages), 60));
      float[] rgbFeatures =
          features(rgbModel, rgbModel.tuner().input().tensor(manager, flat(rgbImages), 60));
      assertThat(rgbFeatures).hasSize(greyFeatures.length);
      for (int i = 0; i < greyFeatures.length; i++) {
        assertThat(rgbFeatures[i]).isCloseTo(greyFeatures[i], within(1e-4f));
      }
    }
  }

  private static float[] features(ImageCnnRoundTrainer trainer, NDArray input) {
    ParameterStore store = new ParameterStore(input.getManager(), false);
    return trainer
        .tuner()
        .backbone()
        .forward(store, new NDList(input), false)
        .singletonOrThrow()
        .toFloatArray();
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
    }
    return out;
  }

  @Test
  void aByoTorchScriptResNet18TrainsANewHeadWithItsFrozenBackboneBitIdentical(@TempDir Path dir)
      throws Exception {
    Path exported = torchScriptResNet18();
    PipelineSpec spec =
        spec(
            "{}",
            "  backbone: "
                + exported.resolve("resnet18.pt").toAbsolutePath()
                + "\n  strategy: linear_probe\n  epochs: 1\n  batchSize: 16\n"
                + "  learningRate: 0.01\n  seed: 1\n");
    // the sidecar declares the input and ImageNet's statistics
    assertThat(spec.image().width()).isEqualTo(48);
    assertThat(spec.image().channels()).isEqualTo(3);
    assertThat(spec.image().mean()).containsExactly(0.485, 0.456, 0.406);
    ExampleBuffer.Snapshot unseen = colours(16, 48, 5);
    int[] trained;
    Path version;
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      assertThat(trainer.architecture())
          .startsWith("user-backbone[torchscript | dense128] from ")
          .endsWith("; input 48x48x3 mean 0.485,0.456,0.406 std 0.229,0.224,0.225");
      // the TorchScript module's top-level submodules: conv1, bn1, layer1 ... layer4
      assertThat(trainer.tuner().backboneBlockCount()).isEqualTo(6);
      List<List<float[]>> backbone = allBlocks(trainer);
      assertThat(backbone.stream().mapToInt(List::size).sum()).isEqualTo(60);
      List<float[]> head = trainer.tuner().headValues();

      trainer.train(colours(32, 48, 1), () -> false);

      List<List<float[]>> after = allBlocks(trainer);
      for (int block = 0; block < backbone.size(); block++) {
        assertThat(same(after.get(block), backbone.get(block)))
            .as("frozen ResNet-18 block %d after a round", block)
            .isTrue();
      }
      assertThat(same(trainer.tuner().headValues(), head)).as("the new head trained").isFalse();
      trained = trainer.tuner().predict(scaled(unseen));
      version = saveVersion(trainer, dir);
    }
    try (StoredModel stored = new ModelStore(dir).load(version, Device.cpu())) {
      assertThat(stored.predict(scaled(unseen))).containsExactly(trained);
    }
  }

  @Test
  void partialTrainsTheLastResNetStageOnly() throws Exception {
    Path exported = torchScriptResNet18();
    PipelineSpec spec =
        spec(
            "{}",
            "  backbone: "
                + exported.resolve("resnet18.pt").toAbsolutePath()
                + "\n  strategy: partial\n  unfreezeLastBlocks: 1\n  backboneLrFactor: 0.5\n"
                + "  epochs: 1\n  batchSize: 16\n  learningRate: 0.01\n  seed: 1\n");
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      List<List<float[]>> before = allBlocks(trainer);
      trainer.train(colours(32, 48, 1), () -> false);
      List<List<float[]>> after = allBlocks(trainer);
      for (int block = 0; block < 5; block++) {
        assertThat(same(after.get(block), before.get(block))).as("block %d", block).isTrue();
      }
      assertThat(same(after.get(5), before.get(5))).as("layer4 trains").isFalse();
    }
  }

  @Test
  void aZooBackboneOfflineIsAClearErrorNamingTheFileAndTheDjlCacheDir() {
    assumeTrue(
        Boolean.getBoolean("ai.djl.offline"), "tests run with -Dai.djl.offline=true (pom.xml)");
    PipelineSpec spec = spec("{}", "  backbone: zoo:resnet18\n  strategy: linear_probe\n");
    assertThat(spec.image().width()).isEqualTo(224);
    assertThat(spec.image().std()).containsExactly(0.229, 0.224, 0.225);

    assertThatThrownBy(() -> ImageCnnRoundTrainer.create(spec, 2, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zoo:resnet18")
        .hasMessageContaining("offline (ai.djl.offline=true)")
        .hasMessageContaining(
            "https://mlrepo.djl.ai/model/cv/image_classification/ai/djl/pytorch/"
                + "resnet18_embedding/0.0.1/resnet18_embedding.zip")
        .hasMessageContaining(ZooBackbone.cacheDir().toString())
        .hasMessageContaining("\"output\": \"features\"");
  }
}
