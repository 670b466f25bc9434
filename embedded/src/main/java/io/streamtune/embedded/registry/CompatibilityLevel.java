package io.streamtune.embedded.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/** The Confluent compatibility levels, checked with Avro's own reader/writer rules. */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean newReadsOld;
  private final boolean oldReadsNew;
  private final boolean transitive;

  CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
    this.newReadsOld = newReadsOld;
    this.oldReadsNew = oldReadsNew;
    this.transitive = transitive;
  }

  public boolean transitive() {
    return transitive;
  }

  /**
   * Parses a level name as clients send it (case-insensitive).
   *
   * @throws RegistryException 42203 naming the allowed values
   */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException notALevel) {
        // reported below with the allowed values
      }
    }
    throw new RegistryException(
        RegistryException.INVALID_COMPATIBILITY_LEVEL,
        422,
        "Invalid compatibility level '"
            + name
            + "'. Valid values are "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }

  /**
   * The reasons {@code candidate} may not follow {@code previous} (oldest first) under this level;
   * empty when it may. Non-transitive levels look only at the newest previous schema.
   */
  public List<String> incompatibilities(Schema candidate, List<Schema> previous) {
    List<String> problems = new ArrayList<>();
    if (this == NONE || previous.isEmpty()) {
      return problems;
    }
    List<Schema> checked = transitive ? previous : List.of(previous.get(previous.size() - 1));
    for (Schema old : checked) {
      if (newReadsOld) {
        describe(
            SchemaCompatibility.checkReaderWriterCompatibility(candidate, old),
            candidate,
            "new schema reading old data",
            problems);
      }
      if (oldReadsNew) {
        describe(
            SchemaCompatibility.checkReaderWriterCompatibility(old, candidate),
            old,
            "old schema reading new data",
            problems);
      }
    }
    return problems;
  }

  private static void describe(
      SchemaPairCompatibility result, Schema reader, String direction, List<String> problems) {
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    List<Incompatibility> incompatibilities = result.getResult().getIncompatibilities();
    if (incompatibilities.isEmpty()) {
      problems.add(direction + ": " + result.getDescription());
      return;
    }
    for (Incompatibility incompatibility : incompatibilities) {
      problems.add(
          "{errorType:'"
              + incompatibility.getType()
              + "', description:'"
              + incompatibility.getMessage()
              + "', location:'"
              + incompatibility.getLocation()
              + "', field:'"
              + fieldPath(reader, incompatibility.getLocation())
              + "', direction:'"
              + direction
              + "'}");
    }
  }

  /**
   * Turns a JSON-pointer location such as {@code /fields/1/type/fields/0} into the dotted field
   * names it points at in the reader schema ({@code amount.cents}), so messages name the field.
   */
  static String fieldPath(Schema reader, String location) {
    List<String> names = new ArrayList<>();
    Schema current = reader;
    String[] tokens = location == null ? new String[0] : location.split("/");
    for (int i = 0; i < tokens.length && current != null; i++) {
      String token = tokens[i];
      if (token.isEmpty() || token.equals("type")) {
        continue;
      }
      if (token.equals("fields")
          && current.getType() == Schema.Type.RECORD
          && i + 1 < tokens.length) {
        int index = indexOrMinusOne(tokens[++i]);
        if (index < 0 || index >= current.getFields().size()) {
          break;
        }
        Schema.Field field = current.getFields().get(index);
        names.add(field.name());
        current = field.schema();
      } else if (token.equals("items") && current.getType() == Schema.Type.ARRAY) {
        current = current.getElementType();
      } else if (token.equals("values") && current.getType() == Schema.Type.MAP) {
        current = current.getValueType();
      } else if (current.getType() == Schema.Type.UNION) {
        int index = indexOrMinusOne(token);
        current =
            index >= 0 && index < current.getTypes().size() ? current.getTypes().get(index) : null;
      } else {
        break;
      }
    }
    return String.join(".", names);
  }

  private static int indexOrMinusOne(String token) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
