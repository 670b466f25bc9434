package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's TorchScript backbone named by path (tiny-conv.pt, written by make_tiny_torchscript.py
 * with torch 1.13) under the dense head.
 */
class UserBackboneTest {

  private static Path tinyConv() throws URISyntaxException {
    return Path.of(UserBackboneTest.class.getResource("/backbones/tiny-conv.pt").toURI());
  }

  private static PipelineSpec spec(String strategy) throws Exception {
    return spec(tinyConv(), strategy);
  }

  private static PipelineSpec spec(Path backbone, String strategy) {
    return PipelineSpecs.parse(
        "name: byo\nmodality: image\nlabel: {column: l, classes: [a, b]}\n"
            + "image: {width: 28, height: 28}\ntrainer:\n"
            + "  backbone: "
            + backbone
            + "\n  strategy: "
            + strategy
            + "\n  epochs: 3\n  batchSize: 16\n  learningRate: 0.003\n  seed: 1\n",
        "byo spec");
  }

  /** Bright square top-left (class 0) or bottom-right (class 1) on noise. */
  static ExampleBuffer.Snapshot squares(int n, long seed) {
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

  private static boolean same(List<float[]> a, List<float[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static float[][] pixels(ExampleBuffer.Snapshot data) {
    byte[][] images = data.images();
    float[][] pixels = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      pixels[i] = new float[images[i].length];
      for (int p = 0; p < images[i].length; p++) {
        pixels[i][p] = (images[i][p] & 0xff) / 255f;
      }
    }
    return pixels;
  }

  /**
   * A stored version carries the trained TorchScript module: it resumes (bit-identical weights,
   * same predictions) and loads for scoring after the user's original file is gone.
   */
  @Test
  void aVersionOverATorchScriptBackboneResumesAndLoadsWithoutTheOriginalFile(@TempDir Path dir)
      throws Exception {
    Path userFile = Files.copy(tinyConv(), dir.resolve("user-conv.pt"));
    PipelineSpec spec = spec(userFile, "full");
    ModelStore store = new ModelStore(dir.resolve("store"));
    ExampleBuffer.Snapshot unseenData = squares(40, 2);
    float[][] unseen = pixels(unseenData);
    Path versionDir;
    int[] trained;
    List<float[]> backbone;
    List<float[]> head;
    try (ImageCnnRoundTrainer trainer =
        ImageCnnRoundTrainer.create(spec.trainer(), 2, Device.cpu())) {
      List<float[]> initial = trainer.tuner().blockValues(0);
      trainer.train(squares(96, 1), () -> false);
      backbone = trainer.tuner().blockValues(0);
      assertThat(same(backbone, initial)).as("full trains the user backbone").isFalse();
      head = trainer.tuner().headValues();
      trained = trainer.tuner().predict(unseen);
      ModelMetadata metadata =
          new ModelMetadata(
              "byo",
              1,
              trainer.architecture(),
              List.of("a", "b"),
              List.of(),
              trainer.metadataFeatureCount(),
              List.of(),
              1,
              "2026-01-01T00:00:00Z");
      versionDir = store.save(trainer.model(), metadata, "");
    }
    Files.delete(userFile);
    long correct = 0;
    for (int i = 0; i < trained.length; i++) {
      correct += trained[i] == unseenData.labels()[i] ? 1 : 0;
    }
    assertThat(correct).as("the trained model separates the squares").isGreaterThan(36);

    try (ImageCnnRoundTrainer resumed =
        ImageCnnRoundTrainer.resume(versionDir, spec.trainer(), 2, Device.cpu())) {
      assertThat(resumed.architecture()).startsWith("user-backbone[torchscript");
      assertThat(same(resumed.tuner().blockValues(0), backbone)).isTrue();
      assertThat(same(resumed.tuner().headValues(), head)).isTrue();
      assertThat(resumed.tuner().predict(unseen)).containsExactly(trained);
      // and it goes on training from there: the backbone is trainable after the reload
      resumed.train(squares(96, 3), () -> false);
      assertThat(same(resumed.tuner().blockValues(0), backbone)).isFalse();
    }
    try (StoredModel stored = store.load(versionDir, Device.cpu())) {
      assertThat(stored.predict(unseen)).containsExactly(trained);
    }
  }

  @Test
  void aTorchScriptBackboneIsFrozenByALinearProbeAndTrainedByFull() throws Exception {
    PipelineSpec probe = spec("linear_probe");
    try (ImageCnnRoundTrainer trainer =
        ImageCnnRoundTrainer.create(probe.trainer(), 2, Device.cpu())) {
      assertThat(trainer.tuner().backboneBlockCount()).isEqualTo(1);
      List<float[]> backbone = trainer.tuner().blockValues(0);
      assertThat(backbone).isNotEmpty();
      List<float[]> head = trainer.tuner().headValues();

      ModelTrainer.Result result = trainer.train(squares(96, 1), () -> false);

      assertThat(same(trainer.tuner().blockValues(0), backbone)).isTrue();
      assertThat(same(trainer.tuner().headValues(), head)).isFalse();
      assertThat(result.epochLosses().get(2)).isLessThan(result.epochLosses().get(0));
    }
    try (ImageCnnRoundTrainer trainer =
        ImageCnnRoundTrainer.create(spec("full").trainer(), 2, Device.cpu())) {
      List<float[]> backbone = trainer.tuner().blockValues(0);
      trainer.train(squares(96, 1), () -> false);
      assertThat(same(trainer.tuner().blockValues(0), backbone)).isFalse();
    }
  }
}
