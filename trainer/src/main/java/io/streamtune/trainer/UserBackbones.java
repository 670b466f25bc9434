package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.image.ImageInput;
import io.streamtune.model.image.OnnxFeatureBlock;
import io.streamtune.model.image.ZooBackbone;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.spec.ImageBackbones;
import io.streamtune.spec.TrainerSpec.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A user's ONNX file (a frozen feature extractor, {@link OnnxFeatureBlock}), or a TorchScript image
 * backbone: a user's file named by path in the spec ({@code .pt}, or a DJL PyTorch model directory
 * holding one; its input, mean and std may be declared by a sidecar, see {@link ImageBackbones}),
 * or a DJL zoo model ({@code zoo:resnet18}). It is loaded with trainable parameters and gets the
 * dense head of {@link io.streamtune.model.image.SmallCnn}; it must map [batch, channels, height,
 * width] of the spec's image input to features.
 */
final class UserBackbones {

  private UserBackbones() {}

  static ImageClassifierFineTuner fineTuner(
      String backbone, int numClasses, TrainSettings settings, Device device, ImageInput input) {
    if (ImageBackbones.isZoo(backbone)) {
      Model model = ZooBackbone.load(ImageBackbones.zoo(backbone), device);
      try {
        return ImageClassifierFineTuner.overBackbone(
            model, model.getBlock(), numClasses, settings, device, input);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot put a head on trainer.backbone " + backbone + ": " + e.getMessage(), e);
      }
    }
    Path path = Path.of(backbone);
    if (ImageBackbones.isOnnx(backbone)) {
      return onnx(path, numClasses, settings, device, input);
    }
    Path file = torchScriptFile(path);
    String name = file.getFileName().toString();
    String prefix = name.substring(0, name.length() - ".pt".length());
    Model model = Model.newInstance("user-backbone", device, "PyTorch");
    try {
      // trainParam: the TorchScript parameters become DJL parameters that can train or freeze
      model.load(file.getParent(), prefix, Map.of("trainParam", "true"));
      return ImageClassifierFineTuner.overBackbone(
          model,
          model.getBlock(),
          torchScriptMethod(backbone),
          numClasses,
          settings,
          device,
          input);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          "cannot load the backbone " + path + " (trainer.backbone): " + e.getMessage(), e);
    }
  }

  /**
   * The exported method a TorchScript backbone's sidecar names as its feature layer ({@code
   * output}); null when the features are what forward returns ({@code features}, {@code logits}, no
   * sidecar, a zoo model).
   */
  static String torchScriptMethod(String backbone) {
    if (ImageBackbones.isZoo(backbone) || ImageBackbones.isOnnx(backbone)) {
      return null;
    }
    ImageBackbones.Input declared = ImageBackbones.input(backbone);
    if (declared == null) {
      return null;
    }
    String output = declared.output();
    return output.equals("features") || output.equals("logits") ? null : output;
  }

  /** The graph output an ONNX backbone's sidecar names ({@code features} without a sidecar). */
  static String onnxOutput(String backbone) {
    ImageBackbones.Input declared = ImageBackbones.input(backbone);
    return declared == null ? "features" : declared.output();
  }

  private static ImageClassifierFineTuner onnx(
      Path path, int numClasses, TrainSettings settings, Device device, ImageInput input) {
    if (settings.strategy() != Strategy.LINEAR_PROBE) {
      throw new IllegalArgumentException(
          "trainer.backbone "
              + path
              + " is ONNX, which ONNX Runtime cannot train: strategy "
              + settings.strategy().name().toLowerCase(Locale.ROOT)
              + " is not allowed; allowed values: [linear_probe]");
    }
    // the head trains in PyTorch; the ONNX graph only computes its features
    Model model = Model.newInstance("user-backbone", device, "PyTorch");
    try {
      OnnxFeatureBlock block =
          OnnxFeatureBlock.load(model.getNDManager(), path, onnxOutput(path.toString()));
      return ImageClassifierFineTuner.overBackbone(
          model, block, numClasses, settings, device, input);
    } catch (RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          "cannot use the ONNX backbone " + path + " (trainer.backbone): " + e.getMessage(), e);
    }
  }

  private static Path torchScriptFile(Path path) {
    if (Files.isRegularFile(path)) {
      if (!path.getFileName().toString().endsWith(".pt")) {
        throw new IllegalArgumentException(
            "trainer.backbone " + path + " is not a TorchScript file (.pt)");
      }
      return path.toAbsolutePath();
    }
    try (Stream<Path> files = Files.list(path)) {
      List<Path> scripts =
          files.filter(f -> f.getFileName().toString().endsWith(".pt")).sorted().toList();
      if (scripts.size() != 1) {
        throw new IllegalArgumentException(
            "trainer.backbone "
                + path
                + " must hold exactly one TorchScript file (.pt), found "
                + scripts.size());
      }
      return scripts.get(0).toAbsolutePath();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list trainer.backbone " + path, e);
    }
  }
}
