package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.streamtune.model.image.ImageClassifierFineTuner;
import io.streamtune.model.training.TrainSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A user's image backbone named by path in the spec: a TorchScript file ({@code .pt}), or a DJL
 * PyTorch model directory holding one. It is loaded with trainable parameters and gets the dense
 * head of {@link io.streamtune.model.image.SmallCnn}; it must map [batch, 1, 28, 28] to features.
 */
final class UserBackbones {

  private UserBackbones() {}

  static ImageClassifierFineTuner fineTuner(
      Path path, int numClasses, TrainSettings settings, Device device) {
    Path file = torchScriptFile(path);
    String name = file.getFileName().toString();
    String prefix = name.substring(0, name.length() - ".pt".length());
    Model model = Model.newInstance("user-backbone", device, "PyTorch");
    try {
      // trainParam: the TorchScript parameters become DJL parameters that can train or freeze
      model.load(file.getParent(), prefix, Map.of("trainParam", "true"));
      return ImageClassifierFineTuner.overBackbone(
          model, model.getBlock(), numClasses, settings, device);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          "cannot load the backbone " + path + " (trainer.backbone): " + e.getMessage(), e);
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
