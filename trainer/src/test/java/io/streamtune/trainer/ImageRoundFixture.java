package io.streamtune.trainer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the image-round tests over RGB backbones share: a spec with two classes, coloured images the
 * classes differ in, the images as the model reads them, a stored version, the backbone's values
 * block by block, and backbones exported at test time by Debian's torch.
 */
final class ImageRoundFixture {

  static final Path PYTHON = Path.of("/usr/bin/python3");

  private ImageRoundFixture() {}

  /** A spec of the classes warm and cool with the given image and trainer sections. */
  static PipelineSpec spec(String image, String trainer) {
    return PipelineSpecs.parse(
        "name: rgb\nmodality: image\nlabel: {classes: [warm, cool]}\nimage: "
            + image
            + "\ntrainer:\n"
            + trainer,
        "rgb spec");
  }

  /** A spec over {@code backbone} (its sidecar declares the input): one epoch of batches of 16. */
  static PipelineSpec backboneSpec(Path backbone, String extra) {
    return spec(
        "{}",
        "  backbone: "
            + backbone.toAbsolutePath()
            + "\n  epochs: 1\n  batchSize: 16\n  learningRate: 0.01\n  seed: 1\n"
            + extra);
  }

  /** Reddish (class 0) or bluish (class 1) noise. */
  static ExampleBuffer.Snapshot colours(int n, int side, long seed) {
    Random random = new Random(seed);
    ExampleBuffer buffer = new ExampleBuffer(1000, 2, 1L);
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      byte[] pixels = new byte[side * side * 3];
      for (int p = 0; p < side * side; p++) {
        int strong = 120 + random.nextInt(100);
        int weak = 40 + random.nextInt(100);
        pixels[3 * p] = (byte) (label == 0 ? strong : weak);
        pixels[3 * p + 1] = (byte) (60 + random.nextInt(80));
        pixels[3 * p + 2] = (byte) (label == 0 ? weak : strong);
      }
      buffer.add(new ExampleBuffer.Item("c-" + i, label, null, pixels, null));
    }
    return buffer.snapshot();
  }

  /** The images as the model reads them, bytes scaled to [0, 1]. */
  static float[][] scaled(ExampleBuffer.Snapshot data) {
    byte[][] images = data.images();
    float[][] out = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      out[i] = new float[images[i].length];
      for (int p = 0; p < images[i].length; p++) {
        out[i][p] = (images[i][p] & 0xff) / 255f;
      }
    }
    return out;
  }

  static boolean same(List<float[]> a, List<float[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The backbone's parameter values, block by block, bottom first. */
  static List<List<float[]>> allBlocks(ImageCnnRoundTrainer trainer) {
    List<List<float[]>> blocks = new ArrayList<>();
    for (int block = 0; block < trainer.tuner().backboneBlockCount(); block++) {
      blocks.add(trainer.tuner().blockValues(block));
    }
    return blocks;
  }

  static Path saveVersion(ImageCnnRoundTrainer trainer, Path dir) {
    ModelMetadata metadata =
        new ModelMetadata(
            "rgb",
            1,
            trainer.architecture(),
            List.of("warm", "cool"),
            List.of(),
            trainer.metadataFeatureCount(),
            List.of(),
            1,
            "2026-12-07T00:00:00Z");
    return new ModelStore(dir).save(trainer.model(), metadata, "");
  }

  /**
   * Runs a committed export script with Debian's torch into {@code out} (once: kept in target/ for
   * the next test), expecting it to write {@code file} and its sidecar; skips the test when
   * /usr/bin/python3 with torch and torchvision is not there.
   *
   * @param script the script's path relative to the trainer module
   */
  static Path export(Path out, String file, String script, String... args) throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON),
        "needs Debian's /usr/bin/python3 with python3-torch and python3-torchvision"
            + " (apt-get install python3-torchvision) to export "
            + file);
    Path exported = out.resolve(file);
    Path sidecar = out.resolve(file.substring(0, file.lastIndexOf('.')) + ".json");
    if (Files.exists(exported) && Files.exists(sidecar)) {
      return out;
    }
    Files.createDirectories(out);
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script, out.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    boolean done = process.waitFor(120, TimeUnit.SECONDS);
    assumeTrue(
        done && process.exitValue() == 0 && Files.exists(exported) && Files.exists(sidecar),
        "could not export "
            + file
            + " with /usr/bin/python3 (needs python3-torch and python3-torchvision): "
            + output);
    return out;
  }

  /** A torchvision ResNet-18 with random weights as TorchScript, fc = Identity, 48x48 input. */
  static Path torchScriptResNet18() throws Exception {
    return export(
        Path.of("target", "byo-resnet18"),
        "resnet18.pt",
        "src/test/python/export_resnet18.py",
        "48");
  }

  /** The same as ONNX with two outputs, "logits" and "features". */
  static Path onnxResNet18() throws Exception {
    return export(
        Path.of("target", "byo-resnet18-onnx"),
        "resnet18.onnx",
        "src/test/python/export_resnet18_onnx.py",
        "48");
  }
}
