package io.streamtune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.avro.TextPayload;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP endpoint's JSON, to and from the records the Kafka path uses: a request body becomes the
 * {@link RawRecord} a producer to {@code requests} would have sent (then it takes exactly the Kafka
 * path's validation and scoring), and a prediction becomes the response body.
 *
 * <p>Request bodies: {@code {"id": "...", "values": {"col": 1.5, ...}}} (tabular), {@code {"text":
 * "..."}} or {@code {"image": {"width": 28, "height": 28, "channels": 1, "encoding": "PNG", "data":
 * "<base64>"}}}; {@code id} is optional.
 */
final class HttpRequests {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("id", "values", "text", "image");
  private static final Set<String> IMAGE_FIELDS =
      Set.of("width", "height", "channels", "encoding", "data");

  /** A body that is not a request, and why. */
  static final class BadRequest extends Exception {
    BadRequest(String reason) {
      super(reason, null, false, false);
    }
  }

  private HttpRequests() {}

  /**
   * @param fallbackId the record id when the body names none
   * @throws BadRequest naming what is wrong with the body
   */
  static RawRecord parse(byte[] body, String fallbackId, Instant arrival) throws BadRequest {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequest("not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadRequest("unreadable body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest("the body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequest(
            "unknown field '" + DeadLetterRecords.quote(name) + "'; expected " + sorted(FIELDS));
      }
    }
    int payloads = (root.has("values") ? 1 : 0) + (root.has("text") ? 1 : 0);
    payloads += root.has("image") ? 1 : 0;
    if (payloads != 1) {
      throw new BadRequest("the body needs exactly one of 'values', 'text' or 'image'");
    }
    String id = fallbackId;
    if (root.has("id")) {
      JsonNode idNode = root.get("id");
      if (!idNode.isTextual() || idNode.asText().isBlank()) {
        throw new BadRequest("'id' must be a non-blank string");
      }
      id = idNode.asText();
    }
    Object payload;
    if (root.has("values")) {
      payload = tabular(root.get("values"));
    } else if (root.has("text")) {
      JsonNode text = root.get("text");
      if (!text.isTextual()) {
        throw new BadRequest("'text' must be a string");
      }
      payload = new TextPayload(text.asText(), null);
    } else {
      payload = image(root.get("image"));
    }
    return new RawRecord(id, arrival, "http", null, payload, Map.of());
  }

  private static TabularPayload tabular(JsonNode values) throws BadRequest {
    if (!values.isObject()) {
      throw new BadRequest("'values' must be an object of column name to value");
    }
    Map<String, Object> cells = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = values.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      Object cell;
      if (value.isNull()) {
        cell = null;
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        cell = value.longValue();
      } else if (value.isNumber()) {
        cell = value.doubleValue();
      } else if (value.isBoolean()) {
        cell = value.booleanValue();
      } else if (value.isTextual()) {
        cell = value.asText();
      } else {
        throw new BadRequest(
            "values."
                + DeadLetterRecords.quote(field.getKey())
                + ": "
                + value.getNodeType().name().toLowerCase(Locale.ROOT)
                + " is not a cell value (number, string, boolean or null)");
      }
      cells.put(field.getKey(), cell);
    }
    return new TabularPayload(cells);
  }

  private static ImagePayload image(JsonNode image) throws BadRequest {
    if (!image.isObject()) {
      throw new BadRequest("'image' must be an object " + sorted(IMAGE_FIELDS));
    }
    for (Iterator<String> names = image.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!IMAGE_FIELDS.contains(name)) {
        throw new BadRequest(
            "unknown field 'image."
                + DeadLetterRecords.quote(name)
                + "'; expected "
                + sorted(IMAGE_FIELDS));
      }
    }
    ImageEncoding encoding;
    String encodingName = image.path("encoding").asText("RAW_U8");
    try {
      encoding = ImageEncoding.valueOf(encodingName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequest(
          "image.encoding '"
              + DeadLetterRecords.quote(encodingName)
              + "' is not one of "
              + List.of(ImageEncoding.values()));
    }
    JsonNode data = image.get("data");
    if (data == null || !data.isTextual()) {
      throw new BadRequest("image.data must be a base64 string");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      throw new BadRequest("image.data is not base64: " + e.getMessage());
    }
    return new ImagePayload(
        intField(image, "width"),
        intField(image, "height"),
        intField(image, "channels"),
        encoding,
        ByteBuffer.wrap(bytes));
  }

  /** An encoded image may leave its shape to its header: 0 when absent. */
  private static int intField(JsonNode image, String name) throws BadRequest {
    JsonNode value = image.get(name);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isInt()) {
      throw new BadRequest("image." + name + " must be an integer");
    }
    return value.intValue();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  /** The response body of a prediction. */
  static byte[] predictionJson(ServedPrediction served, long latencyMicros) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", served.recordId());
    root.put("modelId", served.modelId());
    root.put("version", served.version());
    root.put("predictedLabel", served.predictedLabel());
    Map<String, Float> byLabel = new LinkedHashMap<>();
    for (int k = 0; k < served.labels().size(); k++) {
      byLabel.put(served.labels().get(k), served.probabilities()[k]);
    }
    ObjectNode probabilities = root.putObject("probabilities");
    byLabel.forEach(probabilities::put);
    root.put("transformVersion", served.transformVersion());
    root.put("latencyMicros", latencyMicros);
    return bytes(root);
  }

  /** The response body of a refusal. */
  static byte[] errorJson(String error, String stage, String id) {
    ObjectNode root = JSON.createObjectNode();
    if (id != null) {
      root.put("id", id);
    }
    if (stage != null) {
      root.put("stage", stage);
    }
    root.put("error", error);
    return bytes(root);
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
