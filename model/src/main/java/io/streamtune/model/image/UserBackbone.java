package io.streamtune.model.image;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;

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

  /** The architecture string of a classifier over the backbone named {@code source} in a spec. */
  public static String architecture(String source) {
    return ARCHITECTURE_PREFIX + "[torchscript | dense" + SmallCnn.HIDDEN + "] from " + source;
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
   * The classifier's block shape with an empty backbone block of the kind {@code architecture}
   * names (ONNX or TorchScript), for {@link Model#load} to fill from a stored parameter file.
   */
  public static SequentialBlock forLoading(Model model, int numClasses, String architecture) {
    if (architecture.startsWith(ONNX_PREFIX)) {
      return SmallCnn.classifier(
          wrap(OnnxFeatureBlock.forLoading(model.getNDManager())), numClasses);
    }
    return forLoading(model, numClasses);
  }

  /**
   * The classifier's block shape with an empty TorchScript block, for {@link Model#load} to fill
   * from a stored parameter file.
   */
  public static SequentialBlock forLoading(Model model, int numClasses) {
    if (!(model.getNDManager() instanceof PtNDManager manager)) {
      throw new IllegalArgumentException(
          "a TorchScript backbone needs the PyTorch engine, not " + model.getNDManager());
    }
    return SmallCnn.classifier(wrap(new PtSymbolBlock(manager)), numClasses);
  }
}
