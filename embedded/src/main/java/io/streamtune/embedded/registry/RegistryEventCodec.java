package io.streamtune.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.embedded.registry.RegistryEvent.CompatibilitySet;
import io.streamtune.embedded.registry.RegistryEvent.SchemaRegistered;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Encodes registry events as the key and value of a compacted topic record, in the layout the
 * Confluent Schema Registry uses for its own {@code _schemas} topic: the key names the fact (a
 * subject version, or a subject's config), so compaction keeps the latest value of each fact.
 */
public final class RegistryEventCodec {

  static final String SCHEMA_KEY_TYPE = "SCHEMA";
  static final String CONFIG_KEY_TYPE = "CONFIG";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryEventCodec() {}

  public static String key(RegistryEvent event) {
    ObjectNode key = JSON.createObjectNode();
    if (event instanceof SchemaRegistered registered) {
      key.put("keytype", SCHEMA_KEY_TYPE);
      key.put("subject", registered.subject());
      key.put("version", registered.version());
      key.put("magic", 1);
    } else if (event instanceof CompatibilitySet set) {
      key.put("keytype", CONFIG_KEY_TYPE);
      key.put("subject", set.subject());
      key.put("magic", 0);
    }
    return write(key);
  }

  public static String value(RegistryEvent event) {
    ObjectNode value = JSON.createObjectNode();
    if (event instanceof SchemaRegistered registered) {
      value.put("subject", registered.subject());
      value.put("version", registered.version());
      value.put("id", registered.id());
      value.put("schema", registered.schema());
      value.put("deleted", false);
    } else if (event instanceof CompatibilitySet set) {
      value.put("compatibilityLevel", set.level().name());
    }
    return write(value);
  }

  /**
   * The event a stored record holds; empty for records this registry does not act on (tombstones,
   * deleted versions, other key types such as Confluent's NOOP).
   *
   * @throws IllegalArgumentException for a record that is not valid registry JSON
   */
  public static Optional<RegistryEvent> decode(String key, String value) {
    if (key == null || value == null) {
      return Optional.empty();
    }
    JsonNode keyNode = read(key);
    JsonNode valueNode = read(value);
    String keyType = keyNode.path("keytype").asText("");
    if (SCHEMA_KEY_TYPE.equals(keyType)) {
      if (valueNode.path("deleted").asBoolean(false)) {
        return Optional.empty();
      }
      return Optional.of(
          new SchemaRegistered(
              requiredText(valueNode, "subject", value),
              requiredInt(valueNode, "version", value),
              requiredInt(valueNode, "id", value),
              requiredText(valueNode, "schema", value)));
    }
    if (CONFIG_KEY_TYPE.equals(keyType)) {
      JsonNode subject = keyNode.path("subject");
      String level = requiredText(valueNode, "compatibilityLevel", value);
      return Optional.of(
          new CompatibilitySet(
              subject.isTextual() ? subject.asText() : null, CompatibilityLevel.parse(level)));
    }
    return Optional.empty();
  }

  private static String requiredText(JsonNode node, String field, String record) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          "registry record lacks text field '" + field + "': " + record);
    }
    return value.asText();
  }

  private static int requiredInt(JsonNode node, String field, String record) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new IllegalArgumentException(
          "registry record lacks int field '" + field + "': " + record);
    }
    return value.asInt();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON registry record: " + json, e);
    }
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
