package io.streamtune.model.image;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamtune.model.onnx.OnnxGraphOutputs;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A user's ONNX image model as a frozen feature extractor inside a PyTorch classifier: each batch
 * is copied into ONNX Runtime, the graph's feature output is read back into the batch's (PyTorch)
 * manager, and the dense head above it trains in PyTorch. It has no DJL parameters (ONNX Runtime
 * cannot train), so every strategy but {@code linear_probe} is refused by the spec.
 *
 * <p>The graph's bytes and the output name are written into the block's metadata, so a stored
 * version is self-contained like one over TorchScript: it is scored without the user's file.
 */
public final class OnnxFeatureBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  private final NDManager owner;
  private byte[] graph;
  private String output;
  private OrtSession session;
  private String inputName;
  private boolean batchOfOne;
  // the features' shape after the batch dimension, found by running the graph once
  private long[] featureShape;

  private OnnxFeatureBlock(NDManager owner) {
    super(VERSION);
    this.owner = owner;
  }

  /**
   * Reads the ONNX file and picks its feature output: {@code output} when it names one of the
   * graph's outputs; for {@code features} or {@code logits} (the sidecar's defaults) the only
   * output of a one-output graph; else an intermediate value of that name, added to the graph's
   * outputs ({@link OnnxGraphOutputs}). The session lives as long as {@code owner} (the model's
   * manager).
   *
   * @throws IllegalArgumentException naming the file, the graph's outputs and its values
   */
  public static OnnxFeatureBlock load(NDManager owner, Path file, String output) {
    OnnxFeatureBlock block = new OnnxFeatureBlock(owner);
    try {
      block.open(Files.readAllBytes(file), output, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the ONNX backbone " + file, e);
    }
    return block;
  }

  /** An empty block that {@link ai.djl.Model#load} fills from a stored parameter file. */
  public static OnnxFeatureBlock forLoading(NDManager owner) {
    return new OnnxFeatureBlock(owner);
  }

  /** The graph output the features are read from. */
  public String output() {
    return output;
  }

  private void open(byte[] bytes, String requested, String source) {
    OrtSession opened = null;
    try {
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      byte[] graphBytes = bytes;
      opened = environment.createSession(graphBytes, new OrtSession.SessionOptions());
      Set<String> outputs = opened.getOutputNames();
      String picked = requested;
      if (!outputs.contains(requested)) {
        boolean defaultName = requested.equals("features") || requested.equals("logits");
        if (defaultName && outputs.size() == 1) {
          picked = outputs.iterator().next();
        } else {
          // an inner layer: the graph is run with that value as one more output
          opened.close();
          opened = null;
          graphBytes = OnnxGraphOutputs.withOutput(bytes, requested, source);
          opened = environment.createSession(graphBytes, new OrtSession.SessionOptions());
        }
      }
      Map<String, NodeInfo> inputs = opened.getInputInfo();
      if (inputs.size() != 1) {
        throw new IllegalArgumentException(
            "the ONNX backbone " + source + " must take one image input, not " + inputs.keySet());
      }
      NodeInfo in = inputs.values().iterator().next();
      long[] inputShape = ((TensorInfo) in.getInfo()).getShape();
      this.batchOfOne = inputShape.length > 0 && inputShape[0] == 1;
      this.inputName = in.getName();
      owner.attachInternal("onnx-backbone-" + UUID.randomUUID(), opened);
      this.session = opened;
      // the edited graph is stored, so a stored version reads the same value without editing
      this.graph = graphBytes;
      this.output = picked;
    } catch (OrtException e) {
      closeQuietly(opened);
      throw new IllegalArgumentException(
          "cannot open the ONNX backbone " + source + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(opened);
      throw e;
    }
  }

  private static void closeQuietly(OrtSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // already failing: the first error is the one to report
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray images = inputs.singletonOrThrow();
    long[] shape = images.getShape().getShape();
    float[] pixels = images.toFloatArray();
    int batch = (int) shape[0];
    // a graph exported with a fixed batch of one runs image by image
    int step = batchOfOne ? 1 : Math.max(batch, 1);
    int perImage = batch == 0 ? 0 : pixels.length / batch;
    List<float[]> parts = new ArrayList<>();
    for (int start = 0; start < batch; start += step) {
      long[] partShape = shape.clone();
      partShape[0] = Math.min(step, batch - start);
      FloatBuffer part = FloatBuffer.wrap(pixels, start * perImage, (int) partShape[0] * perImage);
      parts.add(run(part.slice(), partShape));
    }
    if (featureShape == null) {
      getOutputShapes(new Shape[] {images.getShape()});
    }
    long[] features = featureShape;
    int width = (int) Arrays.stream(features).reduce(1, (a, b) -> a * b);
    float[] all = new float[batch * width];
    int offset = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    long[] outShape = new long[features.length + 1];
    outShape[0] = batch;
    System.arraycopy(features, 0, outShape, 1, features.length);
    return new NDList(images.getManager().create(all, new Shape(outShape)));
  }

  /** The feature output's values; sets {@link #featureShape}. */
  private float[] run(FloatBuffer pixels, long[] shape) {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, pixels, shape);
        OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(output))) {
      OnnxTensor out = (OnnxTensor) result.get(output).orElseThrow();
      long[] outShape = out.getInfo().getShape();
      featureShape = Arrays.copyOfRange(outShape, 1, outShape.length);
      FloatBuffer values = out.getFloatBuffer();
      float[] copy = new float[values.remaining()];
      values.get(copy);
      return copy;
    } catch (OrtException e) {
      throw new IllegalStateException(
          "the ONNX backbone failed on a batch of shape " + Arrays.toString(shape), e);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    if (featureShape == null) {
      long[] one = inputShapes[0].getShape().clone();
      one[0] = 1;
      run(FloatBuffer.wrap(new float[(int) new Shape(one).size()]), one);
    }
    long[] out = new long[featureShape.length + 1];
    out[0] = inputShapes[0].get(0);
    System.arraycopy(featureShape, 0, out, 1, featureShape.length);
    return new Shape[] {new Shape(out)};
  }

  @Override
  protected void saveMetadata(DataOutputStream os) throws IOException {
    saveInputShapes(os);
    os.writeUTF(output);
    os.writeInt(graph.length);
    os.write(graph);
  }

  @Override
  public void loadMetadata(byte loadVersion, DataInputStream is)
      throws IOException, MalformedModelException {
    if (loadVersion != VERSION) {
      throw new MalformedModelException("unsupported ONNX backbone block version " + loadVersion);
    }
    readInputShapes(is);
    String storedOutput = is.readUTF();
    byte[] bytes = new byte[is.readInt()];
    is.readFully(bytes);
    open(bytes, storedOutput, "stored in the version");
  }

  @Override
  public String toString() {
    return "OnnxFeatureBlock(output " + output + ")";
  }
}
