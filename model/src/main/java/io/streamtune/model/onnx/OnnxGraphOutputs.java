package io.streamtune.model.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamtune.model.onnx.proto.OnnxWeights.GraphProto;
import io.streamtune.model.onnx.proto.OnnxWeights.ModelProto;
import io.streamtune.model.onnx.proto.OnnxWeights.NodeProto;
import io.streamtune.model.onnx.proto.OnnxWeights.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes an intermediate value of an ONNX graph (a node's output, e.g. ResNet's flattened average
 * pool) one of the graph's outputs, so that ONNX Runtime returns it. The model is parsed with the
 * protobuf classes of {@code onnx_weights.proto}; the fields that schema does not list (value
 * types, attributes of other kinds, metadata) are kept by protobuf as unknown fields and written
 * back unchanged. The added output carries only its name: ONNX Runtime infers its type from the
 * node that produces it.
 */
public final class OnnxGraphOutputs {

  private OnnxGraphOutputs() {}

  /** The graph's declared outputs. */
  public static List<String> outputs(ModelProto model) {
    return model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
  }

  /** Every value a node of the graph produces, in graph order (the names an output may take). */
  public static List<String> values(ModelProto model) {
    List<String> names = new ArrayList<>();
    for (NodeProto node : model.getGraph().getNodeList()) {
      for (String output : node.getOutputList()) {
        if (!output.isEmpty()) {
          names.add(output);
        }
      }
    }
    return names;
  }

  /**
   * The model's bytes with {@code value} added to its graph's outputs (unchanged when it is one).
   *
   * @throws IllegalArgumentException when the bytes are not an ONNX model or no node produces
   *     {@code value}, listing the graph's outputs and intermediate values
   */
  public static byte[] withOutput(byte[] bytes, String value, String source) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot parse the ONNX model " + source, e);
    }
    if (outputs(model).contains(value)) {
      return bytes;
    }
    List<String> values = values(model);
    if (!values.contains(value)) {
      throw new IllegalArgumentException(
          "the ONNX backbone "
              + source
              + " has no output or intermediate value '"
              + value
              + "' (sidecar key 'output'); its outputs: "
              + outputs(model)
              + "; its intermediate values, in graph order: "
              + values);
    }
    GraphProto graph =
        model.getGraph().toBuilder()
            .addOutput(ValueInfoProto.newBuilder().setName(value).build())
            .build();
    return model.toBuilder().setGraph(graph).build().toByteArray();
  }
}
