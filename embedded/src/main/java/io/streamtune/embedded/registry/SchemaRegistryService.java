package io.streamtune.embedded.registry;

import io.streamtune.embedded.registry.RegistryEvent.CompatibilitySet;
import io.streamtune.embedded.registry.RegistryEvent.SchemaRegistered;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry's state and rules, without HTTP: global schema ids, per-subject versions and
 * compatibility levels, Avro only.
 *
 * <p>Every change is appended to the {@link RegistryStorage} before it is applied, so a change the
 * caller sees acknowledged is durable, and a failed write leaves the state untouched. A new service
 * replays the storage to serve the same ids and versions as the one before it. Only one service may
 * write to a storage at a time.
 */
public final class SchemaRegistryService {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryService.class);

  public static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;
  public static final String AVRO = "AVRO";

  /** One version of a subject. */
  public record SchemaVersion(String subject, int version, int id, String schema) {}

  /** A subject and one of its versions, as listed for a schema id. */
  public record SubjectVersion(String subject, int version) {}

  private final RegistryStorage storage;
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> parsedById = new HashMap<>();
  private final NavigableMap<String, NavigableMap<Integer, Integer>> idsBySubjectVersion =
      new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectCompatibility = new HashMap<>();
  private CompatibilityLevel globalCompatibility = DEFAULT_COMPATIBILITY;
  private int nextId = 1;

  /** Creates the service and replays every event the storage holds. */
  public SchemaRegistryService(RegistryStorage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
    List<RegistryEvent> events = storage.load();
    events.forEach(this::apply);
    if (!events.isEmpty()) {
      LOG.info(
          "Schema registry state replayed: {} events, {} schemas, {} subjects",
          events.size(),
          schemasById.size(),
          idsBySubjectVersion.size());
    }
  }

  /**
   * Registers a schema under a subject. A schema already registered under the subject keeps its
   * version and id; a schema known under another subject gets that subject's id; a new schema gets
   * the next global id. The subject's compatibility level must allow it.
   *
   * @param schemaType null or "AVRO"
   * @throws RegistryException 42201 for an unparseable or non-Avro schema, 409 when incompatible
   */
  public synchronized SchemaVersion register(String subject, String schemaText, String schemaType) {
    requireSubject(subject);
    Schema schema = parse(schemaText, schemaType);
    String canonical = schema.toString();
    NavigableMap<Integer, Integer> versions = idsBySubjectVersion.get(subject);
    Integer knownId = idsBySchema.get(canonical);
    if (knownId != null && versions != null) {
      Optional<SchemaVersion> existing = findVersion(subject, versions, knownId);
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    List<String> problems =
        effectiveCompatibility(subject).incompatibilities(schema, previousSchemas(versions));
    if (!problems.isEmpty()) {
      throw new RegistryException(
          RegistryException.INCOMPATIBLE_SCHEMA,
          409,
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\" under compatibility "
              + effectiveCompatibility(subject)
              + ", details: "
              + problems);
    }
    int id = knownId != null ? knownId : nextId;
    int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    SchemaRegistered event = new SchemaRegistered(subject, version, id, canonical);
    store(event);
    apply(event);
    parsedById.putIfAbsent(id, schema);
    LOG.info("Registered schema id {} as version {} of subject '{}'", id, version, subject);
    return new SchemaVersion(subject, version, id, canonical);
  }

  /**
   * Finds the version of a subject holding this schema (POST /subjects/{subject}).
   *
   * @throws RegistryException 40401 for an unknown subject, 40403 when the schema is not under it
   */
  public synchronized SchemaVersion lookup(String subject, String schemaText, String schemaType) {
    NavigableMap<Integer, Integer> versions = versionsOf(subject);
    String canonical = parse(schemaText, schemaType).toString();
    Integer id = idsBySchema.get(canonical);
    return Optional.ofNullable(id)
        .flatMap(known -> findVersion(subject, versions, known))
        .orElseThrow(
            () ->
                RegistryException.schemaNotFound(
                    "Schema not found under subject '" + subject + "'."));
  }

  /**
   * @throws RegistryException 40403 for an unknown id
   */
  public synchronized String schemaById(int id) {
    String schema = schemasById.get(id);
    if (schema == null) {
      throw RegistryException.schemaNotFound("Schema " + id + " not found.");
    }
    return schema;
  }

  /** Every subject version that holds the schema with this id. */
  public synchronized List<SubjectVersion> subjectVersionsOf(int id) {
    schemaById(id);
    List<SubjectVersion> result = new ArrayList<>();
    idsBySubjectVersion.forEach(
        (subject, versions) ->
            versions.forEach(
                (version, versionId) -> {
                  if (versionId == id) {
                    result.add(new SubjectVersion(subject, version));
                  }
                }));
    return result;
  }

  /**
   * @throws RegistryException 40401 for an unknown subject, 40402 for an unknown version
   */
  public synchronized SchemaVersion version(String subject, int version) {
    Integer id = versionsOf(subject).get(version);
    if (id == null) {
      throw RegistryException.versionNotFound(subject, version);
    }
    return new SchemaVersion(subject, version, id, schemasById.get(id));
  }

  /**
   * @throws RegistryException 40401 for an unknown subject
   */
  public synchronized SchemaVersion latest(String subject) {
    return version(subject, versionsOf(subject).lastKey());
  }

  /**
   * @throws RegistryException 40401 for an unknown subject
   */
  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(versionsOf(subject).keySet());
  }

  /** All subjects, sorted. */
  public synchronized List<String> subjects() {
    return List.copyOf(idsBySubjectVersion.keySet());
  }

  /**
   * Why the schema could not be registered next in the subject under its compatibility level (empty
   * when it could). Against an unknown subject every schema is compatible.
   */
  public synchronized List<String> testCompatibilityWithLatest(
      String subject, String schemaText, String schemaType) {
    Schema schema = parse(schemaText, schemaType);
    return effectiveCompatibility(subject)
        .incompatibilities(schema, previousSchemas(idsBySubjectVersion.get(subject)));
  }

  /**
   * Why the schema is not compatible with one given version, in the direction(s) of the subject's
   * level (transitivity does not apply to a single version).
   *
   * @throws RegistryException 40401 / 40402 for an unknown subject or version
   */
  public synchronized List<String> testCompatibilityWithVersion(
      String subject, int version, String schemaText, String schemaType) {
    Schema schema = parse(schemaText, schemaType);
    SchemaVersion against = version(subject, version);
    return effectiveCompatibility(subject).incompatibilities(schema, List.of(parsed(against.id())));
  }

  public synchronized CompatibilityLevel globalCompatibility() {
    return globalCompatibility;
  }

  /** The level set on the subject itself, if any. */
  public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return Optional.ofNullable(subjectCompatibility.get(subject));
  }

  /** The level that applies to the subject: its own, else the global one. */
  public synchronized CompatibilityLevel effectiveCompatibility(String subject) {
    return subjectCompatibility.getOrDefault(subject, globalCompatibility);
  }

  public synchronized void setGlobalCompatibility(CompatibilityLevel level) {
    CompatibilitySet event = new CompatibilitySet(null, level);
    store(event);
    apply(event);
    LOG.info("Global compatibility set to {}", level);
  }

  public synchronized void setSubjectCompatibility(String subject, CompatibilityLevel level) {
    requireSubject(subject);
    CompatibilitySet event = new CompatibilitySet(subject, level);
    store(event);
    apply(event);
    LOG.info("Compatibility of subject '{}' set to {}", subject, level);
  }

  private void store(RegistryEvent event) {
    try {
      storage.append(event);
    } catch (RuntimeException e) {
      throw new RegistryException(
          RegistryException.STORE_ERROR,
          500,
          "Could not store the change in the registry's storage: " + e.getMessage(),
          e);
    }
  }

  private void apply(RegistryEvent event) {
    if (event instanceof SchemaRegistered registered) {
      schemasById.putIfAbsent(registered.id(), registered.schema());
      idsBySchema.putIfAbsent(registered.schema(), registered.id());
      idsBySubjectVersion
          .computeIfAbsent(registered.subject(), subject -> new TreeMap<>())
          .put(registered.version(), registered.id());
      nextId = Math.max(nextId, registered.id() + 1);
    } else if (event instanceof CompatibilitySet set) {
      if (set.subject() == null) {
        globalCompatibility = set.level();
      } else {
        subjectCompatibility.put(set.subject(), set.level());
      }
    }
  }

  private NavigableMap<Integer, Integer> versionsOf(String subject) {
    NavigableMap<Integer, Integer> versions = idsBySubjectVersion.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private Optional<SchemaVersion> findVersion(
      String subject, NavigableMap<Integer, Integer> versions, int id) {
    return versions.entrySet().stream()
        .filter(entry -> entry.getValue() == id)
        .findFirst()
        .map(entry -> new SchemaVersion(subject, entry.getKey(), id, schemasById.get(id)));
  }

  private List<Schema> previousSchemas(NavigableMap<Integer, Integer> versions) {
    if (versions == null) {
      return List.of();
    }
    return versions.values().stream().map(this::parsed).toList();
  }

  private Schema parsed(int id) {
    return parsedById.computeIfAbsent(
        id, known -> new Schema.Parser().parse(schemasById.get(known)));
  }

  private static void requireSubject(String subject) {
    if (subject == null || subject.isBlank()) {
      throw new RegistryException(
          RegistryException.INVALID_SCHEMA, 422, "A subject name must not be empty.");
    }
  }

  /**
   * Parses an Avro schema the way the Confluent client sends it (its canonical JSON string).
   *
   * @throws RegistryException 42201 naming what is wrong
   */
  static Schema parse(String schemaText, String schemaType) {
    if (schemaType != null && !AVRO.equals(schemaType.toUpperCase(Locale.ROOT))) {
      throw RegistryException.invalidSchema(
          "Unsupported schemaType '"
              + schemaType
              + "': this embedded registry stores only AVRO schemas.");
    }
    if (schemaText == null || schemaText.isBlank()) {
      throw RegistryException.invalidSchema("Invalid schema: the 'schema' field is missing.");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema("Invalid schema " + schemaText + ": " + e.getMessage());
    }
  }
}
