package io.streamtune.model.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A TorchScript module run through one of its exported methods instead of forward (the sidecar's
 * {@code output: forward_features}). DJL's PyTorch engine runs the method an input array's name
 * gives ({@code module_method:<name>}, read by {@code IValueUtils.getInputs}), so this block adds
 * such an array to each batch, and to the probe batches DJL builds from shapes when it initialises
 * the classifier. The module is its only child; {@link BackboneBlocks} counts the module's
 * top-level submodules through it, so {@code partial} freezes as for forward.
 */
final class TorchScriptMethodBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  /** The name prefix DJL's PyTorch engine reads as the method to run. */
  private static final String DJL_METHOD_PREFIX = "module_method:";

  private final PtSymbolBlock module;
  private final String method;

  TorchScriptMethodBlock(PtSymbolBlock module, String method) {
    super(VERSION);
    this.module = addChildBlock("module", module);
    this.method = method;
  }

  /** The TorchScript module. */
  PtSymbolBlock module() {
    return module;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    return module.forward(parameterStore, withMethod(inputs), training, params);
  }

  private NDList withMethod(NDList inputs) {
    NDList named = new NDList(inputs);
    NDArray marker = inputs.head().getManager().create(0f);
    marker.setName(DJL_METHOD_PREFIX + method);
    named.add(marker);
    return named;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    module.initialize(manager, dataType, inputShapes);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDList probe = new NDList();
      for (Shape shape : inputShapes) {
        probe.add(manager.ones(shape));
      }
      return forwardInternal(new ParameterStore(manager, false), probe, false, null).stream()
          .map(NDArray::getShape)
          .toArray(Shape[]::new);
    }
  }

  @Override
  public String toString() {
    return "TorchScriptMethodBlock(" + method + ")";
  }
}
