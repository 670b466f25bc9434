package io.streamtune.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One key of a spec section, declared once: its name, type, default, documentation and the values
 * it allows. A section reads its YAML through its settings ({@link #read}), so a wrong type, an
 * unknown enum value or a value out of range fails with the key and what it allows.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

  private final String name;
  private final Class<?> type;
  private final T defaultValue;
  private final String doc;
  private final Function<Object, T> convert;
  private final Predicate<T> allowed;
  private final String rule;

  private Setting(
      String name,
      Class<?> type,
      T defaultValue,
      String doc,
      Function<Object, T> convert,
      Predicate<T> allowed,
      String rule) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.convert = convert;
    this.allowed = allowed;
    this.rule = rule;
  }

  /** An integer of at least {@code min}. */
  public static Setting<Integer> integer(String name, Integer defaultValue, int min, String doc) {
    return new Setting<>(
        name, Integer.class, defaultValue, doc, Setting::toInteger, v -> v >= min, ">= " + min);
  }

  /** An integer in {@code [min, max]}. */
  public static Setting<Integer> integer(
      String name, Integer defaultValue, int min, int max, String doc) {
    return new Setting<>(
        name,
        Integer.class,
        defaultValue,
        doc,
        Setting::toInteger,
        v -> v >= min && v <= max,
        "in " + min + ".." + max);
  }

  /** A long of at least {@code min}. */
  public static Setting<Long> longValue(String name, Long defaultValue, long min, String doc) {
    return new Setting<>(
        name, Long.class, defaultValue, doc, Setting::toLong, v -> v >= min, ">= " + min);
  }

  /**
   * A number (an integer in YAML reads as one).
   *
   * @param rule what {@code allowed} accepts, as the error says it, e.g. {@code "in [0, 1)"}
   */
  public static Setting<Double> number(
      String name, Double defaultValue, Predicate<Double> allowed, String rule, String doc) {
    return new Setting<>(
        name,
        Double.class,
        defaultValue,
        doc,
        Setting::toDouble,
        v -> !v.isNaN() && !v.isInfinite() && allowed.test(v),
        rule);
  }

  /** A share in [0, 1): a fraction of steps or a dropout probability. */
  public static Setting<Double> share(String name, Double defaultValue, String doc) {
    return number(name, defaultValue, v -> v >= 0 && v < 1, "in [0, 1)", doc);
  }

  /** {@code true} or {@code false}. */
  public static Setting<Boolean> flag(String name, Boolean defaultValue, String doc) {
    return new Setting<>(
        name,
        Boolean.class,
        defaultValue,
        doc,
        raw -> raw instanceof Boolean b ? b : null,
        v -> true,
        "true or false");
  }

  /** One of an enum's constants, written in lower case (any case reads). */
  public static <E extends Enum<E>> Setting<E> choice(
      String name, Class<E> type, E defaultValue, String doc) {
    return new Setting<>(
        name,
        type,
        defaultValue,
        doc,
        raw -> {
          if (raw instanceof String text) {
            for (E constant : type.getEnumConstants()) {
              if (constant.name().equalsIgnoreCase(text)) {
                return constant;
              }
            }
          }
          return null;
        },
        v -> true,
        "one of " + lowerCase(type.getEnumConstants()));
  }

  /** Free text; {@code allowed} and {@code rule} narrow it where needed. */
  public static Setting<String> text(
      String name, String defaultValue, Predicate<String> allowed, String rule, String doc) {
    return new Setting<>(
        name,
        String.class,
        defaultValue,
        doc,
        raw -> raw instanceof String s ? s : null,
        allowed,
        rule);
  }

  /** A list of integers, each at least {@code min}. */
  public static Setting<List<Integer>> integers(
      String name, List<Integer> defaultValue, int min, String doc) {
    return new Setting<>(
        name,
        List.class,
        defaultValue,
        doc,
        raw -> {
          if (!(raw instanceof List<?> list)) {
            return null;
          }
          List<Integer> values = new ArrayList<>();
          for (Object item : list) {
            if (!(item instanceof Integer i)) {
              return null;
            }
            values.add(i);
          }
          return List.copyOf(values);
        },
        v -> v.stream().allMatch(i -> i >= min),
        "a list of integers >= " + min);
  }

  /** A nested section read by its own settings (e.g. {@code trainer.transformer}). */
  public static <S> Setting<S> section(
      String name, Class<S> type, Function<Object, S> read, String doc) {
    return section(name, type, null, read, doc);
  }

  /**
   * A nested section whose absence reads as {@code defaultValue} (its keys at their defaults), so
   * that a spec writing the section with default values equals one leaving it out.
   */
  public static <S> Setting<S> section(
      String name, Class<S> type, S defaultValue, Function<Object, S> read, String doc) {
    return new Setting<>(name, type, defaultValue, doc, read, v -> true, "a section");
  }

  public String name() {
    return name;
  }

  /** The value when the key is not written; null when another setting decides (e.g. backbone). */
  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** What the key allows, as its errors say it. */
  public String rule() {
    return rule;
  }

  /**
   * Reads a YAML value of the key {@code prefix + name}.
   *
   * @throws SpecException naming the key and what it allows
   */
  public T read(String prefix, Object raw) {
    T value = convert.apply(raw);
    if (value == null) {
      String allowedValues = type.isEnum() ? lowerCase(type.getEnumConstants()).toString() : rule;
      throw new SpecException(
          "invalid value '"
              + raw
              + "' for key '"
              + prefix
              + name
              + "'; allowed values: "
              + (type.isEnum() ? allowedValues : typeName() + " " + rule));
    }
    return check(prefix, value);
  }

  /**
   * Checks a value set in code against what the key allows.
   *
   * @throws SpecException naming the key, the rule and the value
   */
  public T check(String prefix, T value) {
    if (value == null) {
      throw new SpecException("key '" + prefix + name + "' must not be null");
    }
    if (!allowed.test(value)) {
      throw new SpecException("key '" + prefix + name + "' must be " + rule + ", got " + value);
    }
    return value;
  }

  private String typeName() {
    if (type == Integer.class || type == Long.class) {
      return "an integer";
    }
    if (type == Double.class) {
      return "a number";
    }
    return type == String.class ? "text" : "a value";
  }

  // YAML 1.1 reads 3e-5 (no dot) as text: numbers written as text read as numbers, as before
  private static Integer toInteger(Object raw) {
    Long value = toLong(raw);
    return value == null || value != value.intValue() ? null : value.intValue();
  }

  private static Long toLong(Object raw) {
    if (raw instanceof Integer || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    try {
      return raw instanceof String text ? Long.valueOf(text.trim()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Double toDouble(Object raw) {
    if (raw instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return raw instanceof String text ? Double.valueOf(text.trim()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static List<String> lowerCase(Object[] constants) {
    return Arrays.stream(constants).map(c -> c.toString().toLowerCase(Locale.ROOT)).toList();
  }

  @Override
  public String toString() {
    return name;
  }
}
