package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bring-your-own ONNX ResNet-18 (exported by Debian's torch at test time, with two named outputs
 * "logits" and "features") as a frozen feature extractor run by ONNX Runtime under a head trained
 * in PyTorch: the sidecar's named output is read, a stored version scores as the trainer does, and
 * strategies that would train the backbone fail at start.
 */
class OnnxBackboneTest {

  private static PipelineSpec spec(Path onnx, String extra) {
    return PipelineSpecs.parse(
        "name: rgb\nmodality: image\nlabel: {classes: [warm, cool]}\nimage: {}\ntrainer:\n"
            + "  backbone: "
            + onnx.toAbsolutePath()
            + "\n  epochs: 1\n  batchSize: 16\n  learningRate: 0.01\n  seed: 1\n"
            + extra,
        "onnx spec");
  }

  private static float[][] scaled(ExampleBuffer.Snapshot data) {
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

  @Test
  void anOnnxResNet18sNamedFeatureOutputFeedsANewHeadAndItsStoredVersionScoresTheSame(
      @TempDir Path dir) throws Exception {
    Path onnx = exportResNet18(Path.of("target", "byo-resnet18-onnx")).resolve("resnet18.onnx");
    PipelineSpec spec = spec(onnx, "");
    assertThat(spec.image().width()).isEqualTo(48);
    assertThat(spec.image().mean()).containsExactly(0.485, 0.456, 0.406);
    ExampleBuffer.Snapshot unseen = RgbImageModelsTest.colours(24, 48, 5);
    int[] trained;
    float[][] trainedProbabilities;
    Path version;
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      assertThat(trainer.architecture())
          .startsWith("user-backbone[onnx output features | dense128] from ")
          .endsWith("; input 48x48x3 mean 0.485,0.456,0.406 std 0.229,0.224,0.225");
      // ONNX Runtime holds the backbone: nothing for DJL to train or freeze
      assertThat(trainer.tuner().backbone().getParameters().isEmpty()).isTrue();
      try (NDManager manager = NDManager.newBaseManager()) {
        NDArray batch = trainer.tuner().input().tensor(manager, new float[3 * 48 * 48 * 3], 3);
        NDArray features =
            trainer
                .tuner()
                .backbone()
                .forward(new ParameterStore(manager, false), new NDList(batch), false)
                .singletonOrThrow();
        // the penultimate "features" output (512), not the graph's first output "logits" (1000)
        assertThat(features.getShape().getShape()).containsExactly(3, 512);
      }
      List<float[]> head = trainer.tuner().headValues();
      assertThat(head.get(0)).hasSize(128 * 512);

      trainer.train(RgbImageModelsTest.colours(32, 48, 1), () -> false);

      assertThat(trainer.tuner().headValues().get(0)).isNotEqualTo(head.get(0));
      trained = trainer.tuner().predict(scaled(unseen));
      version = saveVersion(trainer, dir);
      try (StoredModel stored = new ModelStore(dir).load(version, Device.cpu())) {
        trainedProbabilities = stored.predictProbabilities(scaled(unseen));
      }
    }
    // the stored version carries the graph: the evaluator's and server's loader scores it without
    // the user's file, exactly as the trainer did
    Path moved = dir.resolve("moved.onnx");
    Files.move(onnx, moved);
    try (StoreModelLoader loader = new StoreModelLoader(dir, false);
        ScoringModel stored = loader.load(record(version, spec))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < trained.length; i++) {
        ids.add("i" + i);
      }
      ScoringInputs inputs = ScoringInputs.ofFeatures(ids, scaled(unseen));
      assertThat(stored.predict(inputs)).containsExactly(trained);
      float[][] probabilities = stored.probabilities(inputs);
      for (int i = 0; i < trained.length; i++) {
        assertThat(probabilities[i]).containsExactly(trainedProbabilities[i]);
      }
      // a restarted trainer resumes the version, also without the user's file
      try (ImageCnnRoundTrainer resumed =
          ImageCnnRoundTrainer.resume(version, spec, 2, Device.cpu())) {
        assertThat(resumed.tuner().predict(scaled(unseen))).containsExactly(trained);
        resumed.train(RgbImageModelsTest.colours(16, 48, 2), () -> false);
      }
    } finally {
      Files.move(moved, onnx);
    }
  }

  private static ModelVersion record(Path versionDir, PipelineSpec spec) {
    return ModelVersion.newBuilder()
        .setModelId("rgb")
        .setVersion(1)
        .setCreatedAt(Instant.EPOCH)
        .setStorePath(versionDir.toString())
        .setArchitecture(ImageCnnRoundTrainer.architecture(spec))
        .setLabels(List.of("warm", "cool"))
        .setFeatureCount(48 * 48 * 3)
        .setExamplesTrainedOn(32)
        .setNewExamples(32)
        .setTotalExamplesConsumed(32)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0)
        .setEpochs(1)
        .setDurationMs(1)
        .setDevice("cpu")
        .build();
  }

  @Test
  void strategiesThatTrainTheBackboneFailAtStartAndAnUnknownOutputNamesTheGraphsOutputs(
      @TempDir Path dir) throws Exception {
    Path exported = exportResNet18(Path.of("target", "byo-resnet18-onnx"));
    Path onnx = exported.resolve("resnet18.onnx");
    for (String strategy : List.of("partial", "full")) {
      assertThatThrownBy(() -> spec(onnx, "  strategy: " + strategy + "\n"))
          .isInstanceOf(SpecException.class)
          .hasMessageContaining("invalid value '" + strategy + "' for key 'trainer.strategy'")
          .hasMessageContaining("[linear_probe]")
          .hasMessageContaining("ONNX Runtime, which cannot train");
    }
    Path other = Files.createSymbolicLink(dir.resolve("net.onnx"), onnx.toAbsolutePath());
    Files.writeString(
        dir.resolve("net.json"), "{\"width\": 48, \"height\": 48, \"output\": \"pool5\"}");
    PipelineSpec spec = spec(other, "");
    assertThatThrownBy(() -> ImageCnnRoundTrainer.create(spec, 2, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no output 'pool5' (sidecar key 'output')")
        .hasMessageContaining("logits")
        .hasMessageContaining("features");
  }

  private static Path saveVersion(ImageCnnRoundTrainer trainer, Path dir) {
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

  /** Runs the committed ONNX export script with Debian's torch; skips when it is not installed. */
  static Path exportResNet18(Path out) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(
        Files.isExecutable(python),
        "needs Debian's /usr/bin/python3 with python3-torch and python3-torchvision"
            + " (apt-get install python3-torchvision) to export the ONNX ResNet-18");
    Path file = out.resolve("resnet18.onnx");
    if (Files.exists(file) && Files.exists(out.resolve("resnet18.json"))) {
      return out;
    }
    Files.createDirectories(out);
    Process process =
        new ProcessBuilder(
                python.toString(),
                Path.of("src", "test", "python", "export_resnet18_onnx.py").toString(),
                out.toString(),
                "48")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    boolean done = process.waitFor(120, TimeUnit.SECONDS);
    assumeTrue(
        done && process.exitValue() == 0 && Files.exists(file),
        "could not export the ONNX ResNet-18 with /usr/bin/python3 (needs python3-torch"
            + " and python3-torchvision): "
            + output);
    return out;
  }
}
