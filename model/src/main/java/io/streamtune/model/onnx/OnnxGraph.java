package io.streamtune.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.streamtune.model.onnx.proto.OnnxWeights.AttributeProto;
import io.streamtune.model.onnx.proto.OnnxWeights.GraphProto;
import io.streamtune.model.onnx.proto.OnnxWeights.ModelProto;
import io.streamtune.model.onnx.proto.OnnxWeights.NodeProto;
import io.streamtune.model.onnx.proto.OnnxWeights.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights and wiring of an ONNX model, read with protobuf classes generated from the ONNX
 * schema: every float initializer (and every float {@code Constant} node's value, where exporters
 * also put weights) by name, and the nodes in graph order, so weights with anonymous names can be
 * identified by the node that consumes them.
 */
public final class OnnxGraph {

  /** ONNX element type numbers (TensorProto.DataType). */
  private static final int FLOAT = 1;

  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int DOUBLE = 11;

  /** A dense float tensor in row-major order. */
  public record Tensor(String name, long[] dims, float[] data) {
    public Tensor {
      long size = 1;
      for (long d : dims) {
        size *= d;
      }
      if (size != data.length) {
        throw new OnnxImportException(
            "tensor "
                + name
                + " has "
                + data.length
                + " values for shape "
                + Arrays.toString(dims));
      }
    }

    public String shapeString() {
      return Arrays.toString(dims);
    }
  }

  /** One graph node: its operator and the value names it reads and writes. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  private final Map<String, Tensor> initializers;
  private final Map<String, Tensor> constants;
  private final List<String> otherInitializers;
  private final List<Node> nodes;
  private final String producer;

  private OnnxGraph(
      Map<String, Tensor> initializers,
      Map<String, Tensor> constants,
      List<String> otherInitializers,
      List<Node> nodes,
      String producer) {
    this.initializers = Collections.unmodifiableMap(initializers);
    this.constants = Collections.unmodifiableMap(constants);
    this.otherInitializers = List.copyOf(otherInitializers);
    this.nodes = List.copyOf(nodes);
    this.producer = producer;
  }

  /**
   * Parses an ONNX model. Tensors stored outside the file (external data) and non-numeric tensors
   * are refused: a silently missing weight would be worse than no import.
   */
  public static OnnxGraph read(InputStream in) throws IOException {
    CodedInputStream coded = CodedInputStream.newInstance(in);
    coded.setSizeLimit(Integer.MAX_VALUE);
    ModelProto model = ModelProto.parseFrom(coded);
    if (!model.hasGraph()) {
      throw new OnnxImportException("the ONNX model has no graph");
    }
    GraphProto graph = model.getGraph();
    Map<String, Tensor> initializers = new LinkedHashMap<>();
    List<String> otherInitializers = new ArrayList<>();
    for (TensorProto initializer : graph.getInitializerList()) {
      Tensor tensor = toTensor(initializer.getName(), initializer);
      if (tensor != null) {
        initializers.put(tensor.name(), tensor);
      } else {
        otherInitializers.add(initializer.getName());
      }
    }
    Map<String, Tensor> constants = new LinkedHashMap<>();
    List<Node> nodes = new ArrayList<>(graph.getNodeCount());
    for (NodeProto node : graph.getNodeList()) {
      nodes.add(
          new Node(
              node.getName(),
              node.getOpType(),
              List.copyOf(node.getInputList()),
              List.copyOf(node.getOutputList())));
      if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
        for (AttributeProto attribute : node.getAttributeList()) {
          if (attribute.getName().equals("value") && attribute.hasT()) {
            Tensor tensor = toTensor(node.getOutput(0), attribute.getT());
            if (tensor != null) {
              constants.put(tensor.name(), tensor);
            }
          }
        }
      }
    }
    return new OnnxGraph(
        initializers,
        constants,
        otherInitializers,
        nodes,
        model.getProducerName() + " " + model.getProducerVersion());
  }

  /** Float initializers (the weights) by name, in file order. */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /** Float values of {@code Constant} nodes (scalars such as epsilons) by output name. */
  public Map<String, Tensor> constants() {
    return constants;
  }

  /** Names of integer initializers (index tables such as position ids): wiring, not weights. */
  public List<String> otherInitializers() {
    return otherInitializers;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public String producer() {
    return producer;
  }

  /** The nodes that read the value {@code name}. */
  public List<Node> consumers(String name) {
    List<Node> result = new ArrayList<>();
    for (Node node : nodes) {
      if (node.inputs().contains(name)) {
        result.add(node);
      }
    }
    return result;
  }

  /** The node that writes the value {@code name}, or null for graph inputs and initializers. */
  public Node producerOf(String name) {
    for (Node node : nodes) {
      if (node.outputs().contains(name)) {
        return node;
      }
    }
    return null;
  }

  /** Float tensors only; integer tensors (shapes, axes) are wiring, not weights. */
  private static Tensor toTensor(String name, TensorProto proto) {
    if (proto.getDataLocation() != 0 || proto.getExternalDataCount() > 0) {
      throw new OnnxImportException(
          "tensor " + name + " is stored in an external file, which is not supported");
    }
    long[] dims = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
    int type = proto.getDataType();
    if (type == INT32 || type == INT64) {
      return null;
    }
    if (type != FLOAT && type != DOUBLE) {
      throw new OnnxImportException(
          "tensor " + name + " has ONNX element type " + type + "; only float weights import");
    }
    float[] data;
    ByteString raw = proto.getRawData();
    if (!raw.isEmpty()) {
      ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (type == FLOAT) {
        data = new float[raw.size() / Float.BYTES];
        buffer.asFloatBuffer().get(data);
      } else {
        data = new float[raw.size() / Double.BYTES];
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) buffer.getDouble(i * Double.BYTES);
        }
      }
    } else if (type == FLOAT) {
      data = new float[proto.getFloatDataCount()];
      for (int i = 0; i < data.length; i++) {
        data[i] = proto.getFloatData(i);
      }
    } else {
      data = new float[proto.getDoubleDataCount()];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) proto.getDoubleData(i);
      }
    }
    return new Tensor(name, dims, data);
  }
}
