package io.streamtune.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.embedded.registry.SchemaRegistryService.SchemaVersion;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST subset the Confluent client and serializers use, as a pure
 * function of (method, path, query, body) to (status, JSON body). The HTTP server around it only
 * moves bytes.
 */
public final class RegistryRestApi {

  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRestApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP status and its JSON body. */
  public record RestResponse(int status, String body) {}

  private final SchemaRegistryService service;

  public RegistryRestApi(SchemaRegistryService service) {
    this.service = service;
  }

  /**
   * Answers one request.
   *
   * @param rawPath the path as sent, percent-encoded (e.g. {@code /subjects/a%2Fb/versions})
   * @param rawQuery the query string as sent, or null
   * @param body the request body, or null/empty
   */
  public RestResponse handle(String method, String rawPath, String rawQuery, String body) {
    try {
      return ok(route(method, segments(rawPath), query(rawQuery), body));
    } catch (RegistryException e) {
      return error(e.httpStatus(), e.errorCode(), e.getMessage());
    } catch (MalformedRequest e) {
      return error(e.status, e.status, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Schema registry failed on {} {}", method, rawPath, e);
      return error(500, 500, "Internal error: " + e);
    }
  }

  private Object route(String method, List<String> path, Map<String, String> query, String body) {
    int size = path.size();
    String first = size > 0 ? path.get(0) : "";
    switch (first) {
      case "" -> {
        requireMethod(method, "GET");
        return Map.of();
      }
      case "subjects" -> {
        if (size == 1) {
          requireMethod(method, "GET");
          return service.subjects();
        }
        String subject = path.get(1);
        if (size == 2) {
          requireMethod(method, "POST");
          SchemaRequest request = schemaRequest(body);
          return versionBody(service.lookup(subject, request.schema, request.schemaType));
        }
        if (size >= 3 && path.get(2).equals("versions")) {
          if (size == 3 && method.equals("POST")) {
            SchemaRequest request = schemaRequest(body);
            return Map.of("id", service.register(subject, request.schema, request.schemaType).id());
          }
          if (size == 3) {
            requireMethod(method, "GET");
            return service.versions(subject);
          }
          requireMethod(method, "GET");
          SchemaVersion version = version(subject, path.get(3));
          if (size == 4) {
            return versionBody(version);
          }
          if (size == 5 && path.get(4).equals("schema")) {
            return new RawJson(version.schema());
          }
        }
      }
      case "schemas" -> {
        if (size == 2 && path.get(1).equals("types")) {
          requireMethod(method, "GET");
          return List.of(SchemaRegistryService.AVRO);
        }
        if (size >= 3 && path.get(1).equals("ids")) {
          requireMethod(method, "GET");
          int id = schemaId(path.get(2));
          if (size == 3) {
            return Map.of("schema", service.schemaById(id));
          }
          if (size == 4 && path.get(3).equals("versions")) {
            return service.subjectVersionsOf(id);
          }
          if (size == 4 && path.get(3).equals("subjects")) {
            return service.subjectVersionsOf(id).stream()
                .map(SchemaRegistryService.SubjectVersion::subject)
                .distinct()
                .toList();
          }
        }
      }
      case "compatibility" -> {
        if (size == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
          requireMethod(method, "POST");
          return compatibility(path.get(2), path.get(4), query, schemaRequest(body));
        }
      }
      case "config" -> {
        if (size == 1 || size == 2) {
          String subject = size == 2 ? path.get(1) : null;
          if (method.equals("PUT")) {
            CompatibilityLevel level = CompatibilityLevel.parse(compatibilityField(body));
            if (subject == null) {
              service.setGlobalCompatibility(level);
            } else {
              service.setSubjectCompatibility(subject, level);
            }
            return Map.of("compatibility", level.name());
          }
          requireMethod(method, "GET");
          return Map.of("compatibilityLevel", configuredLevel(subject, query).name());
        }
      }
      case "mode" -> {
        requireMethod(method, "GET");
        return Map.of("mode", "READWRITE");
      }
      default -> {}
    }
    throw new MalformedRequest(404, "HTTP 404 Not Found");
  }

  private CompatibilityLevel configuredLevel(String subject, Map<String, String> query) {
    if (subject == null) {
      return service.globalCompatibility();
    }
    return service
        .subjectCompatibility(subject)
        .or(
            () ->
                Boolean.parseBoolean(query.get("defaultToGlobal"))
                    ? Optional.of(service.globalCompatibility())
                    : Optional.empty())
        .orElseThrow(
            () ->
                new RegistryException(
                    RegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                    404,
                    "Subject '"
                        + subject
                        + "' does not have subject-level compatibility configured"));
  }

  private Object compatibility(
      String subject, String versionText, Map<String, String> query, SchemaRequest request) {
    List<String> problems =
        isLatest(versionText)
            ? service.testCompatibilityWithLatest(subject, request.schema, request.schemaType)
            : service.testCompatibilityWithVersion(
                subject, versionNumber(versionText), request.schema, request.schemaType);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("is_compatible", problems.isEmpty());
    if (Boolean.parseBoolean(query.get("verbose"))) {
      result.put("messages", problems);
    }
    return result;
  }

  private SchemaVersion version(String subject, String versionText) {
    return isLatest(versionText)
        ? service.latest(subject)
        : service.version(subject, versionNumber(versionText));
  }

  private static boolean isLatest(String versionText) {
    return versionText.equals("latest") || versionText.equals("-1");
  }

  private static int versionNumber(String versionText) {
    try {
      int version = Integer.parseInt(versionText);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new RegistryException(
        RegistryException.INVALID_VERSION,
        422,
        "The specified version '"
            + versionText
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  private static int schemaId(String idText) {
    try {
      return Integer.parseInt(idText);
    } catch (NumberFormatException e) {
      throw RegistryException.schemaNotFound("Schema " + idText + " not found.");
    }
  }

  private static Map<String, Object> versionBody(SchemaVersion version) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", version.subject());
    body.put("version", version.version());
    body.put("id", version.id());
    body.put("schema", version.schema());
    return body;
  }

  private record SchemaRequest(String schema, String schemaType) {}

  private static SchemaRequest schemaRequest(String body) {
    JsonNode node = jsonBody(body);
    JsonNode references = node.path("references");
    if (references.isArray() && !references.isEmpty()) {
      throw RegistryException.invalidSchema(
          "Schema references are not supported by this embedded registry: " + references);
    }
    JsonNode id = node.path("id");
    if (id.canConvertToInt() && id.asInt() > 0) {
      throw new RegistryException(
          RegistryException.OPERATION_NOT_PERMITTED,
          422,
          "Registering with an explicit id (import mode) is not supported by this embedded"
              + " registry.");
    }
    JsonNode schema = node.path("schema");
    JsonNode type = node.path("schemaType");
    return new SchemaRequest(
        schema.isTextual() ? schema.asText() : null, type.isTextual() ? type.asText() : null);
  }

  private static String compatibilityField(String body) {
    JsonNode node = jsonBody(body);
    for (String field : List.of("compatibility", "compatibilityLevel")) {
      if (node.path(field).isTextual()) {
        return node.path(field).asText();
      }
    }
    return null;
  }

  private static JsonNode jsonBody(String body) {
    if (body == null || body.isBlank()) {
      throw new MalformedRequest(400, "The request needs a JSON body.");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (!node.isObject()) {
        throw new MalformedRequest(400, "The request body must be a JSON object.");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedRequest(400, "Malformed JSON body: " + e.getOriginalMessage());
    }
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw new MalformedRequest(405, "HTTP 405 Method Not Allowed");
    }
  }

  static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    if (rawPath == null) {
      return segments;
    }
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(decode(segment));
      }
    }
    return segments;
  }

  static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      String[] keyValue = pair.split("=", 2);
      query.put(decode(keyValue[0]), keyValue.length > 1 ? decode(keyValue[1]) : "");
    }
    return query;
  }

  /** Percent-decodes without turning '+' into a space (paths are not form-encoded). */
  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static RestResponse ok(Object body) {
    if (body instanceof RawJson raw) {
      return new RestResponse(200, raw.json);
    }
    return new RestResponse(200, write(body));
  }

  /** A Confluent-style error ({@code {"error_code":status,"message":...}}) with that status. */
  public static RestResponse errorResponse(int status, String message) {
    return error(status, status, message);
  }

  private static RestResponse error(int status, int errorCode, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_code", errorCode);
    body.put("message", message);
    return new RestResponse(status, write(body));
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write response " + body, e);
    }
  }

  /** A body that already is JSON text (a stored schema). */
  private record RawJson(String json) {}

  /** A request that is not well-formed HTTP/JSON, answered with a plain HTTP status code. */
  private static final class MalformedRequest extends RuntimeException {
    private final int status;

    MalformedRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
