package io.streamtune.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an image backbone says of its input: the ImageNet backbones of DJL's PyTorch model zoo by
 * name ({@code zoo:resnet18}, {@code zoo:resnet50}), and a user's TorchScript or ONNX file through
 * its sidecar, a JSON file beside it with the same name ({@code model.pt} or {@code model.onnx} →
 * {@code model.json}):
 *
 * <pre>{"width": 224, "height": 224, "channels": 3,
 *  "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "output": "features"}</pre>
 *
 * {@code output} names the feature layer. For a TorchScript file: {@code features} (the module's
 * forward returns them, e.g. torchvision's {@code fc = Identity()}), {@code logits} (its old
 * classes' scores, used as the features of the new head), or the name of a method the module
 * exports ({@code @torch.jit.export def forward_features(self, x)}, as timm's models have), which
 * then runs instead of forward. DJL's JNI runs only the top module's methods (no submodule, no
 * hook), so an inner layer of a TorchScript module is reached through such a method. For an ONNX
 * file: one of the graph's outputs or any intermediate value of the graph by name (e.g. {@code
 * /Flatten_output_0} after ResNet's average pool), which is then added to the graph's outputs; with
 * {@code features} or {@code logits} not among a one-output graph's names, that output is read. The
 * named backbones (mnist-cnn, scratch) declare nothing: their input is the spec's.
 */
public final class ImageBackbones {

  private static final String ONNX = ".onnx";

  // a TorchScript method name: a Python identifier, no submodule path
  private static final Pattern TORCHSCRIPT_OUTPUT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The prefix of a zoo backbone's name in {@code trainer.backbone}. */
  public static final String ZOO_PREFIX = "zoo:";

  /** ImageNet's per-channel statistics (torchvision's), for ImageNet backbones. */
  public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);

  public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

  /**
   * A DJL PyTorch model-zoo backbone: the zoo's artifact (its id, version and name in the zoo's
   * {@code metadata.json}), the file DJL downloads (relative to the repository's base URL), and
   * whether the module outputs features (an embedding model) or ImageNet's 1,000 logits.
   */
  public record ZooModel(
      String name,
      String artifactId,
      String version,
      String artifactName,
      String file,
      boolean outputsFeatures) {

    /** The zoo's directory of the artifact under a repository's base URL. */
    public static final String PATH = "model/cv/image_classification/ai/djl/pytorch/";

    /** DJL's URL of the model, {@code djl://ai.djl.pytorch/<artifact>/<version>/<name>}. */
    public String djlUrl() {
      return "djl://ai.djl.pytorch/" + artifactId + "/" + version + "/" + artifactName;
    }

    /** The URL of the file DJL downloads from the repository at {@code baseUrl}. */
    public String fileUrl(String baseUrl) {
      String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
      return base + PATH + artifactId + "/" + version + "/" + file;
    }
  }

  /**
   * DJL's model repository, whose PyTorch zoo holds the models of {@link #ZOO}; DJL's setting
   * {@code DJL_REPO_URL} (environment or system property) points it elsewhere, e.g. a mirror or a
   * {@code file://} directory in the same layout.
   */
  public static final String DJL_REPO_URL = "https://mlrepo.djl.ai/";

  /** The names {@code trainer.backbone} takes after {@code zoo:}. */
  public static final Map<String, ZooModel> ZOO =
      Map.of(
          "resnet18",
          new ZooModel(
              "resnet18",
              "resnet18_embedding",
              "0.0.1",
              "resnet18_embedding",
              "resnet18_embedding.zip",
              true),
          "resnet50",
          new ZooModel(
              "resnet50", "resnet", "0.0.1", "traced_resnet50", "traced_resnet50.pt.gz", false));

  /** What a backbone declares of its input. */
  public record Input(
      int width, int height, int channels, List<Double> mean, List<Double> std, String output) {}

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private ImageBackbones() {}

  /** True for a user's ONNX file ({@code .onnx}): a frozen feature extractor. */
  public static boolean isOnnx(String backbone) {
    return backbone != null && !isZoo(backbone) && backbone.endsWith(ONNX);
  }

  public static boolean isZoo(String backbone) {
    return backbone != null && backbone.startsWith(ZOO_PREFIX);
  }

  /**
   * The zoo model of {@code zoo:<name>}.
   *
   * @throws SpecException naming the names there are
   */
  public static ZooModel zoo(String backbone) {
    ZooModel model = ZOO.get(backbone.substring(ZOO_PREFIX.length()));
    if (model == null) {
      throw new SpecException(
          "invalid value '"
              + backbone
              + "' for key 'trainer.backbone'; DJL's PyTorch model zoo has "
              + ZOO.keySet().stream().sorted().map(n -> ZOO_PREFIX + n).toList()
              + " (no MobileNet: DJL's zoos have none that loads into PyTorch; export torchvision's"
              + " with pipelines/backbones/export_mobilenet_v3.py and name the .pt file)");
    }
    return model;
  }

  /**
   * The input a backbone declares, or null when it declares none (named backbones, a TorchScript
   * file without a sidecar).
   *
   * @throws SpecException when a sidecar exists but cannot be read
   */
  public static Input input(String backbone) {
    if (backbone == null) {
      return null;
    }
    if (isZoo(backbone)) {
      zoo(backbone);
      return new Input(224, 224, 3, IMAGENET_MEAN, IMAGENET_STD, "features");
    }
    Path sidecar = sidecar(Path.of(backbone));
    return sidecar == null ? null : readSidecar(sidecar);
  }

  /**
   * The sidecar of a TorchScript or ONNX file or of the one TorchScript file in a directory; null
   * when none.
   */
  public static Path sidecar(Path backbone) {
    Path file = backbone;
    if (Files.isDirectory(backbone)) {
      try (Stream<Path> files = Files.list(backbone)) {
        List<Path> scripts = files.filter(f -> f.toString().endsWith(".pt")).toList();
        if (scripts.size() != 1) {
          return null;
        }
        file = scripts.get(0);
      } catch (IOException e) {
        return null;
      }
    }
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String extension = name.endsWith(".pt") ? ".pt" : name.endsWith(ONNX) ? ONNX : null;
    if (extension == null) {
      return null;
    }
    Path sidecar =
        file.resolveSibling(name.substring(0, name.length() - extension.length()) + ".json");
    return Files.isRegularFile(sidecar) ? sidecar : null;
  }

  private record Sidecar(
      Integer width,
      Integer height,
      Integer channels,
      List<Double> mean,
      List<Double> std,
      String output) {}

  static Input readSidecar(Path file) {
    Sidecar sidecar;
    try {
      sidecar = JSON.readValue(file.toFile(), Sidecar.class);
    } catch (IOException e) {
      throw new SpecException(
          "cannot read the backbone sidecar "
              + file
              + " (keys width, height, channels, mean, std, output): "
              + e.getMessage(),
          e);
    }
    if (sidecar.width() == null || sidecar.height() == null) {
      throw new SpecException("backbone sidecar " + file + ": keys 'width' and 'height' required");
    }
    int channels = sidecar.channels() == null ? 3 : sidecar.channels();
    String output = sidecar.output() == null ? "features" : sidecar.output();
    boolean onnx = file.resolveSibling(baseName(file) + ONNX).toFile().isFile();
    if (onnx && output.isBlank()) {
      throw new SpecException("backbone sidecar " + file + ": key 'output' must not be blank");
    }
    if (!onnx && !TORCHSCRIPT_OUTPUT.matcher(output).matches()) {
      throw new SpecException(
          "backbone sidecar "
              + file
              + ": invalid value '"
              + output
              + "' for key 'output'; allowed values: features, logits (what the module's forward"
              + " returns) or the name of a method exported with @torch.jit.export (e.g."
              + " forward_features); DJL runs only the top module's methods, so a submodule"
              + " such as 'avgpool' or 'layer4.1' cannot be named");
    }
    return new Input(
        sidecar.width(), sidecar.height(), channels, sidecar.mean(), sidecar.std(), output);
  }

  private static String baseName(Path sidecar) {
    String name = sidecar.getFileName().toString();
    return name.substring(0, name.length() - ".json".length());
  }
}
