package io.streamtune.model.image;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image classifier over a user-supplied TorchScript backbone (or a frozen ONNX one, {@link
 * OnnxFeatureBlock}): the user's module, flattened, under the dense head of {@link SmallCnn}.
 *
 * <p>A stored version is self-contained: DJL writes a TorchScript block's whole module (code and
 * current weights) into the parameter file, so a version is resumed and scored without the user's
 * original file, which may change or vanish after the first round.
 */
public final class UserBackbone {

  /** Every stored classifier over a user backbone has an architecture starting with this. */
  public static final String ARCHITECTURE_PREFIX = "user-backbone";

  private UserBackbone() {}

  /** The architectures over an ONNX backbone start with this (then the output name). */
  public static final String ONNX_PREFIX = ARCHITECTURE_PREFIX + "[onnx output ";

  // the architectures over a TorchScript method other than forward name it after this
  private static final String METHOD_MARKER = "[torchscript method ";

  private static final Pattern METHOD =
      Pattern.compile(Pattern.quote(METHOD_MARKER) + "([A-Za-z_][A-Za-z0-9_]*) \\|");

  /** The architecture string of a classifier over the backbone named {@code source} in a spec. */
  public static String architecture(String source) {
    return ARCHITECTURE_PREFIX + "[torchscript | dense" + SmallCnn.HIDDEN + "] from " + source;
  }

  /**
   * The same over the TorchScript module's exported method {@code method} (null: its forward),
   * reading {@code input}.
   */
  public static String architecture(String source, String method, ImageInput input) {
    if (method == null) {
      return architecture(source, input);
    }
    String suffix = input.describe();
    return ARCHITECTURE_PREFIX
        + METHOD_MARKER
        + method
        + " | dense"
        + SmallCnn.HIDDEN
        + "] from "
        + source
        + (suffix.isEmpty() ? "" : "; " + suffix);
  }

  /** The TorchScript method an architecture string names; null for forward. */
  static String methodOf(String architecture) {
    Matcher m = METHOD.matcher(architecture);
    return m.find() ? m.group(1) : null;
  }

  /**
   * Checks that the TorchScript module exports {@code method}.
   *
   * @throws IllegalArgumentException listing the module's methods
   */
  public static void requireMethod(Block module, String method) {
    if (!(module instanceof PtSymbolBlock script)) {
      throw new IllegalArgumentException(
          "only a TorchScript backbone has methods to name (sidecar key 'output'), not " + module);
    }
    List<String> methods = Arrays.asList(JniUtils.getMethodNames(script));
    if (!methods.contains(method)) {
      throw new IllegalArgumentException(
          "the TorchScript backbone has no method '"
              + method
              + "' (sidecar key 'output'); its methods: "
              + methods.stream().sorted().toList()
              + ". Export the feature layer as a method (@torch.jit.export def "
              + method
              + "(self, x): ...) in a module saved with torch.jit.script, or trace it beside"
              + " forward with torch.jit.trace_module (pipelines/backbones/"
              + "export_mobilenet_v3.py does), or use"
              + " 'features' with the classifier replaced by Identity; DJL runs only the top"
              + " module's methods, so a submodule's output cannot be named");
    }
  }

  /** The same over an ONNX backbone whose features are the graph output {@code output}. */
  public static String onnxArchitecture(String source, String output, ImageInput input) {
    String suffix = input.describe();
    return ONNX_PREFIX
        + output
        + " | dense"
        + SmallCnn.HIDDEN
        + "] from "
        + source
        + (suffix.isEmpty() ? "" : "; " + suffix);
  }

  /** The same, reading {@code input} (named in the string unless it is the grey 28x28 one). */
  public static String architecture(String source, ImageInput input) {
    String suffix = input.describe();
    return architecture(source) + (suffix.isEmpty() ? "" : "; " + suffix);
  }

  /** True for classifiers that read images (SmallCnn or a TorchScript backbone). */
  public static boolean readsImages(String architecture) {
    return architecture.startsWith(SmallCnn.ARCHITECTURE_PREFIX)
        || architecture.startsWith(ARCHITECTURE_PREFIX);
  }

  /** The backbone as the classifier holds it: the user's block, then a flatten for the head. */
  public static SequentialBlock wrap(Block userBlock) {
    return new SequentialBlock().add(userBlock).add(Blocks.batchFlattenBlock());
  }

  /**
   * The same running the TorchScript module's method {@code method} instead of forward (null:
   * forward). DJL's PyTorch engine runs the method an input array's name gives ({@code
   * module_method:<name>}), so a block without parameters adds that array to each batch; the module
   * stays the backbone's only block with parameters, so its blocks for {@code partial} are
   * unchanged.
   */
  public static SequentialBlock wrap(Block userBlock, String method) {
    if (method == null) {
      return wrap(userBlock);
    }
    if (!(userBlock instanceof PtSymbolBlock module)) {
      throw new IllegalArgumentException(
          "only a TorchScript backbone has methods to name (sidecar key 'output'), not "
              + userBlock);
    }
    return wrap(new TorchScriptMethodBlock(module, method));
  }

  /**
   * The classifier's block shape with an empty backbone block of the kind {@code architecture}
   * names (ONNX or TorchScript), for {@link Model#load} to fill from a stored parameter file.
   */
  public static SequentialBlock forLoading(Model model, int numClasses, String architecture) {
    if (architecture.startsWith(ONNX_PREFIX)) {
      return SmallCnn.classifier(
          wrap(OnnxFeatureBlock.forLoading(model.getNDManager())), numClasses);
    }
    return torchScriptForLoading(model, numClasses, methodOf(architecture));
  }

  /**
   * The classifier's block shape with an empty TorchScript block, run through {@code method} (null:
   * forward), for {@link Model#load} to fill from a stored parameter file.
   */
  private static SequentialBlock torchScriptForLoading(Model model, int numClasses, String method) {
    if (!(model.getNDManager() instanceof PtNDManager manager)) {
      throw new IllegalArgumentException(
          "a TorchScript backbone needs the PyTorch engine, not " + model.getNDManager());
    }
    return SmallCnn.classifier(wrap(new PtSymbolBlock(manager), method), numClasses);
  }
}
