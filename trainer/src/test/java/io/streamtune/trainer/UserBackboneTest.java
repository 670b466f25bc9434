package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamtune.schemas.spec.PipelineSpec;
import io.streamtune.schemas.spec.PipelineSpecs;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A user's TorchScript backbone named by path (tiny-conv.pt, written by make_tiny_torchscript.py
 * with torch 1.13) under the dense head.
 */
class UserBackboneTest {

  private static Path tinyConv() throws URISyntaxException {
    return Path.of(UserBackboneTest.class.getResource("/backbones/tiny-conv.pt").toURI());
  }

  private static PipelineSpec spec(String strategy) throws Exception {
    return PipelineSpecs.parse(
        "name: byo\nmodality: image\nlabel: {column: l, classes: [a, b]}\n"
            + "image: {width: 28, height: 28}\ntrainer:\n"
            + "  backbone: "
            + tinyConv()
            + "\n  strategy: "
            + strategy
            + "\n  epochs: 3\n  batchSize: 16\n  learningRate: 0.003\n  seed: 1\n",
        "byo spec");
  }

  /** Bright square top-left (class 0) or bottom-right (class 1) on noise. */
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

  private static boolean same(List<float[]> a, List<float[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aTorchScriptBackboneIsFrozenByALinearProbeAndTrainedByFull() throws Exception {
    PipelineSpec probe = spec("linear_probe");
    try (ImageRoundTrainer trainer = ImageRoundTrainer.create(probe.trainer(), 2, Device.cpu())) {
      assertThat(trainer.tuner().backboneBlockCount()).isEqualTo(1);
      List<float[]> backbone = trainer.tuner().blockValues(0);
      assertThat(backbone).isNotEmpty();
      List<float[]> head = trainer.tuner().headValues();

      ModelTrainer.Result result = trainer.train(squares(96, 1), () -> false);

      assertThat(same(trainer.tuner().blockValues(0), backbone)).isTrue();
      assertThat(same(trainer.tuner().headValues(), head)).isFalse();
      assertThat(result.epochLosses().get(2)).isLessThan(result.epochLosses().get(0));
    }
    try (ImageRoundTrainer trainer =
        ImageRoundTrainer.create(spec("full").trainer(), 2, Device.cpu())) {
      List<float[]> backbone = trainer.tuner().blockValues(0);
      trainer.train(squares(96, 1), () -> false);
      assertThat(same(trainer.tuner().blockValues(0), backbone)).isFalse();
    }
  }
}
