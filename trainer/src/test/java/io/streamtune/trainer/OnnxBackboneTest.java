package io.streamtune.trainer;

import static io.streamtune.trainer.ImageRoundFixture.backboneSpec;
import static io.streamtune.trainer.ImageRoundFixture.colours;
import static io.streamtune.trainer.ImageRoundFixture.onnxResNet18;
import static io.streamtune.trainer.ImageRoundFixture.saveVersion;
import static io.streamtune.trainer.ImageRoundFixture.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.streamtune.model.ModelStore;
import io.streamtune.model.StoredModel;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bring-your-own ONNX ResNet-18 (exported by Debian's torch at test time, with two named outputs
 * "logits" and "features") as a frozen feature extractor run by ONNX Runtime under a head trained
 * in PyTorch: the sidecar's named output is read, or an inner layer by its value name (added to the
 * graph's outputs), a stored version scores as the trainer does, and strategies that would train
 * the backbone fail at start.
 */
class OnnxBackboneTest {

  @Test
  void anOnnxResNet18sNamedFeatureOutputFeedsANewHeadAndItsStoredVersionScoresTheSame(
      @TempDir Path dir) throws Exception {
    Path onnx = onnxResNet18().resolve("resnet18.onnx");
    PipelineSpec spec = backboneSpec(onnx, "");
    assertThat(spec.image().width()).isEqualTo(48);
    assertThat(spec.image().mean()).containsExactly(0.485, 0.456, 0.406);
    ExampleBuffer.Snapshot unseen = colours(24, 48, 5);
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

      trainer.train(colours(32, 48, 1), () -> false);

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
        resumed.train(colours(16, 48, 2), () -> false);
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

  /** The output of ResNet-18's layer3 as torch 1.13's exporter names it: [N, 256, 3, 3] at 48. */
  private static final String LAYER3 = "/layer3/layer3.1/relu_1/Relu_output_0";

  @Test
  void anInnerLayerTheSidecarNamesIsAddedToTheGraphsOutputsAndFeedsTheHead(@TempDir Path dir)
      throws Exception {
    Path onnx = onnxResNet18().resolve("resnet18.onnx");
    Path inner = Files.createSymbolicLink(dir.resolve("inner.onnx"), onnx.toAbsolutePath());
    Files.writeString(
        dir.resolve("inner.json"),
        "{\"width\": 48, \"height\": 48, \"output\": \"" + LAYER3 + "\"}");
    PipelineSpec spec = backboneSpec(inner, "");
    float[][] unseen = scaled(colours(8, 48, 5));
    int[] trained;
    Path version;
    try (ImageCnnRoundTrainer trainer = ImageCnnRoundTrainer.create(spec, 2, Device.cpu())) {
      assertThat(trainer.architecture())
          .startsWith("user-backbone[onnx output " + LAYER3 + " | dense128] from ");
      float[] before = features(trainer, unseen);
      // layer3's 256 channels of 3x3, flattened: neither the 512 features nor the 1000 logits
      assertThat(before).hasSize(8 * 256 * 3 * 3);
      List<float[]> head = trainer.tuner().headValues();
      assertThat(head.get(0)).hasSize(128 * 256 * 3 * 3);

      trainer.train(colours(32, 48, 1), () -> false);

      assertThat(features(trainer, unseen)).as("the frozen graph's features").isEqualTo(before);
      assertThat(trainer.tuner().headValues().get(0)).isNotEqualTo(head.get(0));
      trained = trainer.tuner().predict(unseen);
      version = saveVersion(trainer, dir.resolve("store"));
    }
    // the version stores the edited graph: it reads layer3 without the user's file or sidecar
    Files.delete(inner);
    try (StoredModel stored = new ModelStore(dir.resolve("store")).load(version, Device.cpu())) {
      assertThat(stored.predict(unseen)).containsExactly(trained);
    }
  }

  private static float[] features(ImageCnnRoundTrainer trainer, float[][] images) {
    float[] flat = new float[images.length * images[0].length];
    for (int i = 0; i < images.length; i++) {
      System.arraycopy(images[i], 0, flat, i * images[0].length, images[0].length);
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray batch = trainer.tuner().input().tensor(manager, flat, images.length);
      return trainer
          .tuner()
          .backbone()
          .forward(new ParameterStore(manager, false), new NDList(batch), false)
          .singletonOrThrow()
          .toFloatArray();
    }
  }

  @Test
  void strategiesThatTrainTheBackboneFailAtStartAndAnUnknownOutputNamesTheGraphsOutputs(
      @TempDir Path dir) throws Exception {
    Path exported = onnxResNet18();
    Path onnx = exported.resolve("resnet18.onnx");
    for (String strategy : List.of("partial", "full")) {
      assertThatThrownBy(() -> backboneSpec(onnx, "  strategy: " + strategy + "\n"))
          .isInstanceOf(SpecException.class)
          .hasMessageContaining("invalid value '" + strategy + "' for key 'trainer.strategy'")
          .hasMessageContaining("[linear_probe]")
          .hasMessageContaining("ONNX Runtime, which cannot train");
    }
    Path other = Files.createSymbolicLink(dir.resolve("net.onnx"), onnx.toAbsolutePath());
    Files.writeString(
        dir.resolve("net.json"), "{\"width\": 48, \"height\": 48, \"output\": \"pool5\"}");
    PipelineSpec spec = backboneSpec(other, "");
    assertThatThrownBy(() -> ImageCnnRoundTrainer.create(spec, 2, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no output or intermediate value 'pool5' (sidecar key 'output')")
        .hasMessageContaining("its outputs: [logits, features]")
        .hasMessageContaining("/avgpool/GlobalAveragePool_output_0")
        .hasMessageContaining(LAYER3);
  }
}
