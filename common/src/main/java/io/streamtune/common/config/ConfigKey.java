package io.streamtune.common.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A named configuration key with its default, parser and documentation. The same key can be given
 * as a property ({@code kafka.bootstrap.servers}) or as an environment variable ({@code
 * STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS}).
 *
 * @param defaultValue {@code null} means the key is required
 * @param allowed the allowed values, named in errors; empty when any value that parses is allowed
 */
public record ConfigKey<T>(
    String name, String doc, T defaultValue, Function<String, T> parser, List<String> allowed) {

  public static final String ENV_PREFIX = "STREAMTUNE_";

  public static ConfigKey<String> string(String name, String defaultValue, String doc) {
    return new ConfigKey<>(name, doc, defaultValue, Function.identity(), List.of());
  }

  public static ConfigKey<Integer> integer(String name, int defaultValue, String doc) {
    return new ConfigKey<>(name, doc, defaultValue, Integer::valueOf, List.of());
  }

  public static ConfigKey<Long> longKey(String name, long defaultValue, String doc) {
    return new ConfigKey<>(name, doc, defaultValue, Long::valueOf, List.of());
  }

  public static ConfigKey<Double> decimal(String name, double defaultValue, String doc) {
    return new ConfigKey<>(name, doc, defaultValue, Double::valueOf, List.of());
  }

  public static <E extends Enum<E>> ConfigKey<E> enumKey(
      String name, Class<E> type, E defaultValue, String doc) {
    List<String> allowed =
        java.util.Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .toList();
    return new ConfigKey<>(
        name,
        doc,
        defaultValue,
        v -> Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT)),
        allowed);
  }

  /** The environment variable that sets this key. */
  public String envName() {
    return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public boolean required() {
    return defaultValue == null;
  }

  /** The command-line option that sets this key: {@code --} and the key's name. */
  public String option() {
    return "--" + name;
  }

  /** The default as a user would write it; {@code required} when there is none. */
  public String defaultText() {
    if (required()) {
      return "required";
    }
    if (defaultValue instanceof String text && text.isEmpty()) {
      return "(empty)";
    }
    return defaultValue instanceof Enum<?> e
        ? e.name().toLowerCase(Locale.ROOT)
        : String.valueOf(defaultValue);
  }

  /**
   * Help in two lines: the doc with the allowed values, then the default and the environment
   * variable (a line of its own, so a narrow terminal does not break a URL default apart).
   */
  public List<String> help() {
    String values = allowed.isEmpty() ? "" : " (" + String.join("|", allowed) + ")";
    return List.of(doc + values, "default: " + defaultText() + "; env " + envName());
  }
}
