package io.streamtune.common.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Raw configuration values by key name, merged from environment variables ({@code STREAMTUNE_*})
 * and explicit overrides (command-line options, tests). Typed config classes read it through {@link
 * ConfigKey}s; nothing else looks up strings.
 */
public final class ConfigSource {

  /**
   * {@code STREAMTUNE_*} variables that the {@code streamtune} script reads for the JVM it starts
   * (README), not keys of any service: a service must not refuse to start because they are set.
   */
  public static final Set<String> LAUNCHER_VARIABLES =
      Set.of("STREAMTUNE_JAVA_OPTS", "STREAMTUNE_TORCH_THREADS");

  private final Map<String, String> valuesByEnvName;
  private final Set<String> read = new LinkedHashSet<>();

  private ConfigSource(Map<String, String> valuesByEnvName) {
    this.valuesByEnvName = valuesByEnvName;
  }

  /** Values from {@code STREAMTUNE_*} environment variables, then overrides given by key name. */
  public static ConfigSource of(Map<String, String> environment, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ConfigKey.ENV_PREFIX) && !LAUNCHER_VARIABLES.contains(name)) {
            values.put(name, value);
          }
        });
    overrides.forEach((name, value) -> values.put(ConfigKey.string(name, "", "").envName(), value));
    return new ConfigSource(values);
  }

  public static ConfigSource of(Map<String, String> overrides) {
    return of(Map.of(), overrides);
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
   * Fails if any given key is not among the keys a service knows: a typo must not pass silently.
   */
  public void rejectUnknown(Collection<ConfigKey<?>> known) {
    Set<String> knownNames = new HashSet<>();
    known.forEach(k -> knownNames.add(k.envName()));
    Set<String> unknown = new TreeSet<>(valuesByEnvName.keySet());
    unknown.removeAll(knownNames);
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
