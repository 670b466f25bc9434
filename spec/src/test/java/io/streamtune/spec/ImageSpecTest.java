package io.streamtune.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSpecTest {

  private static PipelineSpec parse(String image, String backbone) {
    return PipelineSpecs.parse(
        "modality: image\nlabel: {classes: [a, b]}\nimage: "
            + image
            + (backbone == null ? "" : "\ntrainer: {backbone: '" + backbone + "'}"),
        "s.yaml");
  }

  @Test
  void keysLeftOutTakeTheirDefaultsAndTheWrittenOnesStay() {
    ImageSpec image =
        parse(
                "{width: 32, height: 24, channels: 3, resizeShorter: 40, maxWidth: 2000,"
                    + " mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.2]}",
                "scratch")
            .image();
    assertThat(image.width()).isEqualTo(32);
    assertThat(image.height()).isEqualTo(24);
    assertThat(image.maxWidth()).isEqualTo(2000);
    assertThat(image.maxHeight()).isEqualTo(ImageSpec.MAX_SIDE);
    assertThat(image.resizeShorter()).isEqualTo(40);
    assertThat(image.mean()).containsExactly(0.5, 0.4, 0.3);
    assertThat(parse("{width: 28, height: 28}", null).image()).isEqualTo(new ImageSpec(28, 28, 1));
  }

  @Test
  void aZooBackboneDeclaresImageNetsInputAndStatistics() {
    ImageSpec image = parse("{resizeShorter: 256}", "zoo:resnet50").image();
    assertThat(image.width()).isEqualTo(224);
    assertThat(image.height()).isEqualTo(224);
    assertThat(image.channels()).isEqualTo(3);
    assertThat(image.mean()).isEqualTo(ImageBackbones.IMAGENET_MEAN);
    assertThat(image.std()).isEqualTo(ImageBackbones.IMAGENET_STD);
    assertThatThrownBy(() -> parse("{}", "zoo:mobilenet"))
        .hasMessageContaining("invalid value 'zoo:mobilenet' for key 'trainer.backbone'")
        .hasMessageContaining("[zoo:resnet18, zoo:resnet50]");
  }

  @Test
  void aTorchScriptSidecarDeclaresTheInput(@TempDir Path dir) throws Exception {
    Path model = Files.write(dir.resolve("net.pt"), new byte[] {1});
    Files.writeString(
        dir.resolve("net.json"),
        "{\"width\": 64, \"height\": 48, \"channels\": 3, \"mean\": [0.1, 0.2, 0.3],"
            + " \"std\": [0.5, 0.5, 0.5], \"output\": \"logits\"}");
    ImageSpec image = parse("{}", model.toString()).image();
    assertThat(image.width()).isEqualTo(64);
    assertThat(image.height()).isEqualTo(48);
    assertThat(image.mean()).containsExactly(0.1, 0.2, 0.3);
    assertThat(parse("{}", dir.toString()).image().width()).as("a directory").isEqualTo(64);
    assertThat(ImageBackbones.input(model.toString()).output()).isEqualTo("logits");

    Files.writeString(dir.resolve("net.json"), "{\"width\": 64, \"height\": 48, \"depth\": 3}");
    assertThatThrownBy(() -> parse("{}", model.toString()))
        .hasMessageContaining("cannot read the backbone sidecar")
        .hasMessageContaining("depth");
  }

  @Test
  void anOnnxSidecarMayNameAGraphValueATorchScriptOneAMethodButNoSubmodulePath(@TempDir Path dir)
      throws Exception {
    Path onnx = Files.write(dir.resolve("net.onnx"), new byte[] {1});
    Files.writeString(
        dir.resolve("net.json"),
        "{\"width\": 40, \"height\": 30, \"output\": \"/avgpool/GlobalAveragePool_output_0\"}");
    PipelineSpec spec = parse("{}", onnx.toString());
    assertThat(spec.image().width()).isEqualTo(40);
    assertThat(ImageBackbones.input(onnx.toString()).output())
        .isEqualTo("/avgpool/GlobalAveragePool_output_0");
    assertThat(ImageBackbones.isOnnx(onnx.toString())).isTrue();
    // ONNX Runtime cannot train: an ONNX backbone is a frozen feature extractor
    assertThat(spec.trainer().strategyFor(PipelineSpec.Modality.IMAGE))
        .isEqualTo(TrainerSpec.Strategy.LINEAR_PROBE);

    Path pt = Files.write(dir.resolve("script.pt"), new byte[] {1});
    Files.writeString(
        dir.resolve("script.json"),
        "{\"width\": 40, \"height\": 30, \"output\": \"forward_features\"}");
    assertThat(ImageBackbones.input(pt.toString()).output()).isEqualTo("forward_features");
    Files.writeString(
        dir.resolve("script.json"), "{\"width\": 40, \"height\": 30, \"output\": \"layer4.1\"}");
    assertThatThrownBy(() -> parse("{}", pt.toString()))
        .hasMessageContaining("invalid value 'layer4.1' for key 'output'")
        .hasMessageContaining("features, logits")
        .hasMessageContaining("@torch.jit.export")
        .hasMessageContaining("a submodule such as 'avgpool' or 'layer4.1' cannot be named");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> parse("{channels: 3}", "scratch"))
        .hasMessageContaining("key 'image.width' is required");
    assertThatThrownBy(() -> parse("{width: 32, height: 32, channels: 3, mean: [0.5]}", null))
        .hasMessageContaining("key 'image.mean' needs one value per channel (3)");
    assertThatThrownBy(() -> parse("{width: 32, height: 32, std: [0]}", null))
        .hasMessageContaining("key 'image.std' values must be finite and > 0");
    assertThatThrownBy(() -> parse("{width: 32, height: 32, resizeShorter: 20}", null))
        .hasMessageContaining("key 'image.resizeShorter' must be in [32, 4096], got 20");
    assertThatThrownBy(() -> parse("{width: 32, height: 32, maxWidth: 20}", null))
        .hasMessageContaining("'image.maxWidth' and 'image.maxHeight' must be at least");
  }
}
