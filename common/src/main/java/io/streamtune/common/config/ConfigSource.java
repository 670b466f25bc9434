package io.streamtune.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Raw configuration values by key name, merged from layers, lowest first: a configuration file,
 * environment variables ({@code STREAMTUNE_*}), explicit overrides (command-line options, tests); a
 * higher layer wins and a key in none has its default. Typed config classes read it through {@link
 * ConfigKey}s; nothing else looks up strings.
 */
public final class ConfigSource {

  /**
   * {@code STREAMTUNE_*} variables that the {@code streamtune} script reads for the JVM it starts
   * (README), or that a command reads itself ({@code STREAMTUNE_REGISTRY_TOKEN}: {@code embedded};
   * {@code STREAMTUNE_INGEST_LEDGER}: {@code ingest}), not keys of any service: a service must not
   * refuse to start because they are set.
   */
  public static final Set<String> LAUNCHER_VARIABLES =
      Set.of(
          "STREAMTUNE_JAVA_OPTS",
          "STREAMTUNE_TORCH_THREADS",
          "STREAMTUNE_REGISTRY_TOKEN",
          "STREAMTUNE_INGEST_LEDGER");

  private final Map<String, String> valuesByEnvName;
  private final Set<String> read = new LinkedHashSet<>();
  private final Set<String> passedThrough = new LinkedHashSet<>();

  private ConfigSource(Map<String, String> valuesByEnvName) {
    this.valuesByEnvName = valuesByEnvName;
  }

  /** Values from {@code STREAMTUNE_*} environment variables, then overrides given by key name. */
  public static ConfigSource of(Map<String, String> environment, Map<String, String> overrides) {
    return of(Map.of(), environment, overrides);
  }

  /**
   * Values from a configuration file (by key name), then {@code STREAMTUNE_*} environment
   * variables, then overrides (command-line options, by key name): the later layer wins.
   */
  public static ConfigSource of(
      Map<String, String> file, Map<String, String> environment, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    file.forEach((name, value) -> values.put(envName(name), value));
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ConfigKey.ENV_PREFIX) && !LAUNCHER_VARIABLES.contains(name)) {
            values.put(name, value);
          }
        });
    overrides.forEach((name, value) -> values.put(envName(name), value));
    return new ConfigSource(values);
  }

  private static String envName(String keyName) {
    return ConfigKey.string(keyName, "", "").envName();
  }

  /**
   * Reads a configuration file: Java properties whose names are key names ({@code
   * evaluator.holdout.wait.ms=5000}).
   *
   * @throws ConfigException when the file cannot be read, or names a key not in {@code known} (the
   *     message names the file, the key and the allowed keys)
   */
  public static Map<String, String> readFile(Path file, Collection<ConfigKey<?>> known) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read the configuration file " + file + ": " + e, e);
    }
    Map<String, String> values = new TreeMap<>();
    properties.stringPropertyNames().forEach(n -> values.put(n, properties.getProperty(n)));
    requireKnown(values.keySet(), known, "in the configuration file " + file);
    return values;
  }

  /**
   * Fails on the first name that is not a known key's name: a typo must not pass silently.
   *
   * @param where where the names came from, for the message ({@code "in file x"})
   */
  public static void requireKnown(
      Collection<String> names, Collection<ConfigKey<?>> known, String where) {
    Set<String> allowed = new TreeSet<>();
    known.forEach(k -> allowed.add(k.name()));
    for (String name : new TreeSet<>(names)) {
      if (!allowed.contains(name) && !ClientSettings.isPassThroughKey(name)) {
        throw new ConfigException(
            "unknown configuration key '"
                + name
                + "' "
                + where
                + "; allowed keys: "
                + allowed
                + ", and kafka.<Kafka client property> or schema.registry.<registry client"
                + " setting> (README.md, Configuration)");
      }
    }
  }

  public static ConfigSource of(Map<String, String> overrides) {
    return of(Map.of(), overrides);
  }

  /**
   * This source less {@code keys}: what a launcher reads itself (the metrics endpoint's keys) is
   * taken out before the service's typed config, which rejects keys it does not know, reads the
   * rest.
   */
  public ConfigSource without(Collection<ConfigKey<?>> keys) {
    Map<String, String> values = new java.util.LinkedHashMap<>(valuesByEnvName);
    keys.forEach(key -> values.remove(key.envName()));
    ConfigSource copy = new ConfigSource(values);
    copy.passedThrough.addAll(passedThrough);
    return copy;
  }

  public static ConfigSource fromEnvironment() {
    return of(System.getenv(), Map.of());
  }

  public <T> T get(ConfigKey<T> key) {
    read.add(key.envName());
    String raw = valuesByEnvName.get(key.envName());
    if (raw == null || raw.isBlank()) {
      if (key.required()) {
        throw new ConfigException(
            "missing required configuration key '"
                + key.name()
                + "' (env "
                + key.envName()
                + "): "
                + key.doc());
      }
      return key.defaultValue();
    }
    try {
      T value = key.parser().apply(raw.trim());
      if (!key.allowed().isEmpty()
          && !key.allowed().contains(raw.trim().toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("not an allowed value");
      }
      return value;
    } catch (RuntimeException e) {
      String allowed = key.allowed().isEmpty() ? "" : "; allowed values: " + key.allowed();
      throw new ConfigException(
          "invalid value '"
              + raw
              + "' for configuration key '"
              + key.name()
              + "' (env "
              + key.envName()
              + ")"
              + allowed
              + ": "
              + key.doc(),
          e);
    }
  }

  /**
   * The client settings of the pass-through ({@link ClientSettings}): every value under {@code
   * kafka.*} or {@code schema.registry.*} that is none of the {@code declared} keys.
   *
   * @throws ConfigException naming the first such variable that matches no client setting
   */
  ClientSettings.Resolved passThrough(Collection<ConfigKey<?>> declared) {
    Set<String> declaredNames = new HashSet<>();
    declared.forEach(k -> declaredNames.add(k.envName()));
    Map<String, String> values = new TreeMap<>();
    valuesByEnvName.forEach(
        (name, value) -> {
          if (ClientSettings.inNamespace(name) && !declaredNames.contains(name)) {
            values.put(name, value);
          }
        });
    ClientSettings.Resolved resolved = ClientSettings.resolve(values);
    passedThrough.addAll(values.keySet());
    return resolved;
  }

  /**
   * Fails if any given key is not among the keys a service knows, nor a client setting already
   * taken by the pass-through: a typo must not pass silently.
   */
  public void rejectUnknown(Collection<ConfigKey<?>> known) {
    Set<String> knownNames = new HashSet<>();
    known.forEach(k -> knownNames.add(k.envName()));
    Set<String> unknown = new TreeSet<>(valuesByEnvName.keySet());
    unknown.removeAll(knownNames);
    unknown.removeAll(passedThrough);
    if (!unknown.isEmpty()) {
      Set<String> allowed = new TreeSet<>();
      known.forEach(k -> allowed.add(k.name() + " (" + k.envName() + ")"));
      throw new ConfigException(
          "unknown configuration keys " + unknown + "; known keys: " + allowed);
    }
  }

  /** Environment names of the keys read so far (for the test that every key is read). */
  public Set<String> keysRead() {
    return Set.copyOf(read);
  }
}
