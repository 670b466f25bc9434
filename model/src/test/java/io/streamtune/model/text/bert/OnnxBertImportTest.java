package io.streamtune.model.text.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.protobuf.ByteString;
import io.streamtune.model.onnx.OnnxGraph;
import io.streamtune.model.onnx.OnnxImportException;
import io.streamtune.model.onnx.proto.OnnxWeights.GraphProto;
import io.streamtune.model.onnx.proto.OnnxWeights.ModelProto;
import io.streamtune.model.onnx.proto.OnnxWeights.NodeProto;
import io.streamtune.model.onnx.proto.OnnxWeights.TensorProto;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OnnxBertImportTest {

  /** Tiny but complete: 2 layers, hidden 4, 2 heads. */
  static final BertConfig TINY = new BertConfig(10, 4, 2, 2, 8, 6, 2, 1e-12f);

  private NDManager manager;
  private BertEncoder encoder;

  @BeforeEach
  void build() {
    manager = NDManager.newBaseManager(Device.cpu());
    encoder = new BertEncoder(TINY, 0f);
    encoder.initialize(
        manager, DataType.FLOAT32, new Shape(1, 3), new Shape(1, 3), new Shape(1, 3));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** One weight per parameter, each filled with a distinct running number. */
  private Map<String, OnnxBertImport.NamedWeight> completeWeights() {
    Map<String, OnnxBertImport.NamedWeight> weights = new LinkedHashMap<>();
    float next = 0;
    for (Map.Entry<String, Parameter> e : OnnxBertImport.pytorchParameters(encoder).entrySet()) {
      long[] dims = e.getValue().getArray().getShape().getShape();
      float[] data = new float[(int) e.getValue().getArray().size()];
      for (int i = 0; i < data.length; i++) {
        data[i] = next++;
      }
      weights.put(e.getKey(), new OnnxBertImport.NamedWeight(e.getKey(), dims, data));
    }
    return weights;
  }

  @Test
  void everyParameterOfTheBlockHasAPyTorchNameAndLoads() {
    Map<String, OnnxBertImport.NamedWeight> weights = completeWeights();

    OnnxBertImport.load(encoder, weights);

    // 5 embedding tensors + 16 per layer; no parameter of the block is left out of the mapping
    assertThat(weights).hasSize(5 + 16 * TINY.layers());
    assertThat(encoder.getParameters().size()).isEqualTo(weights.size());
    float[] query = encoder.layers().get(1).query().weight().getArray().toFloatArray();
    assertThat(query)
        .containsExactly(weights.get("encoder.layer.1.attention.self.query.weight").data());
  }

  @Test
  void aTensorWithNoParameterFailsTheImportAndWritesNothing() {
    Map<String, OnnxBertImport.NamedWeight> weights = completeWeights();
    weights.put(
        "encoder.layer.2.output.dense.bias",
        new OnnxBertImport.NamedWeight(
            "encoder.layer.2.output.dense.bias", new long[] {4}, new float[4]));
    float[] before = encoder.layers().get(0).query().weight().getArray().toFloatArray();

    assertThatThrownBy(() -> OnnxBertImport.load(encoder, weights))
        .isInstanceOf(OnnxImportException.class)
        .hasMessageContaining("tensors with no parameter [encoder.layer.2.output.dense.bias]");
    assertThat(encoder.layers().get(0).query().weight().getArray().toFloatArray())
        .containsExactly(before);
  }

  @Test
  void aParameterWithNoTensorFailsTheImport() {
    Map<String, OnnxBertImport.NamedWeight> weights = completeWeights();
    weights.remove("encoder.layer.1.attention.output.LayerNorm.bias");

    assertThatThrownBy(() -> OnnxBertImport.load(encoder, weights))
        .isInstanceOf(OnnxImportException.class)
        .hasMessageContaining(
            "parameters with no tensor [encoder.layer.1.attention.output.LayerNorm.bias]");
  }

  @Test
  void aMisShapedTensorFailsTheImport() {
    Map<String, OnnxBertImport.NamedWeight> weights = completeWeights();
    String name = "encoder.layer.0.intermediate.dense.weight";
    // same element count, wrong orientation: what an untransposed MatMul weight would look like
    weights.put(name, new OnnxBertImport.NamedWeight(name, new long[] {4, 8}, new float[32]));

    assertThatThrownBy(() -> OnnxBertImport.load(encoder, weights))
        .isInstanceOf(OnnxImportException.class)
        .hasMessageContaining(name + " is [4, 8] in the file but (8, 4) in the block");
  }

  private static TensorProto floats(String name, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(raw.array())).build();
  }

  private static OnnxGraph parse(GraphProto graph) throws Exception {
    byte[] bytes = ModelProto.newBuilder().setIrVersion(7).setGraph(graph).build().toByteArray();
    return OnnxGraph.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void anAnonymousMatMulWeightIsNamedByItsNodeAndTransposed() throws Exception {
    // x[.,2] @ W[2,3]: W is [in, out]; PyTorch keeps [out, in]
    GraphProto graph =
        GraphProto.newBuilder()
            .addInitializer(
                floats("onnx::MatMul_7", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}))
            .addInitializer(
                floats(
                    "encoder.layer.0.attention.self.query.bias",
                    new long[] {3},
                    new float[] {9, 9, 9}))
            .addNode(
                NodeProto.newBuilder()
                    .setName("/encoder/layer.0/attention/self/query/MatMul")
                    .setOpType("MatMul")
                    .addInput("/embeddings/LayerNorm/Add_1_output_0")
                    .addInput("onnx::MatMul_7")
                    .addOutput("q"))
            .build();

    Map<String, OnnxBertImport.NamedWeight> weights = OnnxBertImport.pytorchWeights(parse(graph));

    OnnxBertImport.NamedWeight w = weights.get("encoder.layer.0.attention.self.query.weight");
    assertThat(w.dims()).containsExactly(3, 2);
    assertThat(w.data()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(weights.get("encoder.layer.0.attention.self.query.bias").data())
        .containsExactly(9, 9, 9);
  }

  @Test
  void anAnonymousTensorNotFedToAMatMulFailsLoudly() throws Exception {
    GraphProto graph =
        GraphProto.newBuilder()
            .addInitializer(floats("onnx::Add_3", new long[] {2}, new float[] {1, 2}))
            .addNode(
                NodeProto.newBuilder()
                    .setName("/pooler/Add")
                    .setOpType("Add")
                    .addInput("h")
                    .addInput("onnx::Add_3")
                    .addOutput("y"))
            .build();

    assertThatThrownBy(() -> OnnxBertImport.pytorchWeights(parse(graph)))
        .isInstanceOf(OnnxImportException.class)
        .hasMessageContaining("initializers that map to no BERT parameter: onnx::Add_3 [2]");
  }

  @Test
  void externalDataAndIntegerWeightsAreHandledExplicitly() throws Exception {
    TensorProto external =
        TensorProto.newBuilder()
            .setName("big")
            .setDataType(1)
            .addDims(2)
            .setDataLocation(1)
            .build();
    assertThatThrownBy(() -> parse(GraphProto.newBuilder().addInitializer(external).build()))
        .isInstanceOf(OnnxImportException.class)
        .hasMessageContaining("external");

    TensorProto ids =
        TensorProto.newBuilder()
            .setName("position_ids")
            .setDataType(7)
            .addDims(2)
            .addInt64Data(0)
            .addInt64Data(1)
            .build();
    OnnxGraph graph = parse(GraphProto.newBuilder().addInitializer(ids).build());
    assertThat(graph.initializers()).isEmpty();
    assertThat(graph.otherInitializers()).containsExactly("position_ids");
  }

  @Test
  void theMiniLmFileMapsOneToOneAndCarriesEpsilon1e12() {
    OnnxGraph graph = OnnxBertImport.readMiniLm();
    Map<String, OnnxBertImport.NamedWeight> weights = OnnxBertImport.pytorchWeights(graph);

    long count = weights.values().stream().mapToLong(w -> w.data().length).sum();
    assertThat(weights).hasSize(5 + 16 * 6);
    // embeddings 11,918,592 + 6 layers x 1,774,464
    assertThat(count).isEqualTo(22_565_376L);
    assertThat(weights.get("encoder.layer.5.output.dense.weight").dims())
        .containsExactly(384, 1536);
    assertThat(graph.otherInitializers()).containsExactly("embeddings.position_ids");
    BertEncoder wrongEpsilon =
        new BertEncoder(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-5f), 0f);
    assertThatThrownBy(() -> OnnxBertImport.load(wrongEpsilon, graph))
        .isInstanceOf(OnnxImportException.class)
        .hasMessageContaining("LayerNorm epsilon");
  }
}
