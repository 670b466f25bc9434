package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for the fitted-state JSON; NaN and ±Inf are written as strings. */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  public static ArrayNode array(double[] values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (double value : values) {
      array.add(number(value));
    }
    return array;
  }

  public static JsonNode number(double value) {
    return Double.isFinite(value)
        ? NODES.numberNode(value)
        : NODES.textNode(Double.toString(value));
  }

  public static double asDouble(JsonNode node) {
    if (node == null || node.isNull()) {
      return Double.NaN;
    }
    return node.isTextual() ? Double.parseDouble(node.asText()) : node.asDouble();
  }

  public static ArrayNode array(long[] values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (long value : values) {
      array.add(value);
    }
    return array;
  }

  public static ArrayNode array(int[] values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (int value : values) {
      array.add(value);
    }
    return array;
  }

  public static ArrayNode array(boolean[] values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (boolean value : values) {
      array.add(value);
    }
    return array;
  }

  public static ArrayNode strings(List<String> values) {
    ArrayNode array = NODES.arrayNode(values.size());
    values.forEach(array::add);
    return array;
  }

  public static ArrayNode strings(String[] values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (String value : values) {
      if (value == null) {
        array.addNull();
      } else {
        array.add(value);
      }
    }
    return array;
  }

  public static ArrayNode matrix(double[][] rows) {
    ArrayNode array = NODES.arrayNode(rows.length);
    for (double[] row : rows) {
      array.add(array(row));
    }
    return array;
  }

  public static double[] doubles(JsonNode node) {
    double[] values = new double[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = asDouble(node.get(i));
    }
    return values;
  }

  public static long[] longs(JsonNode node) {
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = node.get(i).asLong();
    }
    return values;
  }

  public static int[] ints(JsonNode node) {
    int[] values = new int[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = node.get(i).asInt();
    }
    return values;
  }

  public static boolean[] booleans(JsonNode node) {
    boolean[] values = new boolean[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = node.get(i).asBoolean();
    }
    return values;
  }

  public static String[] texts(JsonNode node) {
    String[] values = new String[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = node.get(i).isNull() ? null : node.get(i).asText();
    }
    return values;
  }

  public static double[][] matrix(JsonNode node) {
    double[][] rows = new double[node.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = doubles(node.get(i));
    }
    return rows;
  }

  public static List<String> stringList(JsonNode node) {
    List<String> values = new ArrayList<>();
    node.forEach(value -> values.add(value.asText()));
    return values;
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * Rows of equal width as one Base64 string of little-endian IEEE doubles: for bulk state that
   * nobody reads by eye (rows waiting for a batch), where a number per value would make each
   * checkpoint's JSON many times larger and slower to write. The rows are the first {@code count}
   * of the row-major {@code rows}.
   */
  public static JsonNode packedRows(double[] rows, int count, int width) {
    java.nio.ByteBuffer bytes =
        java.nio.ByteBuffer.allocate(count * width * Double.BYTES)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count * width; i++) {
      bytes.putDouble(rows[i]);
    }
    // a binary node: Jackson writes its Base64 in one pass, where a text node of the same Base64
    // goes through the per-character escaping check (most of a checkpoint's time before)
    return NODES.binaryNode(bytes.array());
  }

  /** Reads {@link #packedRows}: the rows, row-major. */
  public static double[] unpackRows(JsonNode node, int width) {
    byte[] raw = java.util.Base64.getDecoder().decode(node.asText());
    if (width == 0 || raw.length % (width * Double.BYTES) != 0) {
      throw new IllegalArgumentException(
          "packed rows of " + raw.length + " bytes do not hold rows of " + width + " doubles");
    }
    double[] rows = new double[raw.length / Double.BYTES];
    java.nio.ByteBuffer.wrap(raw)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer()
        .get(rows);
    return rows;
  }
}
