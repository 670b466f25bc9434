package io.streamtune.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The values written for a section's {@link Setting}s; a key not written reads as its default.
 * Immutable: {@link #with} makes a copy.
 */
public final class SettingValues {

  private final String prefix;
  private final List<Setting<?>> declared;
  private final Map<String, Object> values;

  private SettingValues(String prefix, List<Setting<?>> declared, Map<String, Object> values) {
    this.prefix = prefix;
    this.declared = declared;
    this.values = Collections.unmodifiableMap(values);
  }

  /** Nothing written: every key reads as its default. */
  public static SettingValues empty(String prefix, List<Setting<?>> declared) {
    return new SettingValues(prefix, declared, new LinkedHashMap<>());
  }

  /**
   * Reads a section's YAML map (null for an absent section).
   *
   * @throws SpecException for an unknown key (with the known ones) or a value its setting refuses
   */
  public static SettingValues read(String prefix, List<Setting<?>> declared, Map<?, ?> raw) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (raw != null) {
      for (Map.Entry<?, ?> entry : raw.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Setting<?> setting =
            declared.stream().filter(s -> s.name().equals(key)).findFirst().orElse(null);
        if (setting == null) {
          throw new SpecException(
              "unknown key '"
                  + prefix
                  + key
                  + "'; allowed keys here: "
                  + declared.stream().map(Setting::name).sorted().toList());
        }
        if (entry.getValue() != null) {
          values.put(key, setting.read(prefix, entry.getValue()));
        }
      }
    }
    return new SettingValues(prefix, declared, values);
  }

  /** The written value, else the setting's default. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    Object value = values.get(setting.name());
    return value == null ? setting.defaultValue() : (T) value;
  }

  /** A copy with one value set (checked), or removed with null. */
  public <T> SettingValues with(Setting<T> setting, T value) {
    if (!declared.contains(setting)) {
      throw new IllegalArgumentException(prefix + setting.name() + " is not a key of this section");
    }
    Map<String, Object> copy = new LinkedHashMap<>(values);
    if (value == null) {
      copy.remove(setting.name());
    } else {
      copy.put(setting.name(), setting.check(prefix, value));
    }
    return new SettingValues(prefix, declared, copy);
  }

  /**
   * Every key with a value in effect (written or by default), as YAML writes it (enums in lower
   * case, sections as maps): a stored spec spells out the defaults it ran with.
   */
  public Map<String, Object> toYaml() {
    Map<String, Object> out = new LinkedHashMap<>();
    effective()
        .forEach(
            (key, value) -> {
              if (value instanceof Enum<?> constant) {
                out.put(key, constant.name().toLowerCase(Locale.ROOT));
              } else if (value instanceof SettingSection<?> section) {
                out.put(key, section.values().toYaml());
              } else {
                out.put(key, value);
              }
            });
    return out;
  }

  /** The values in effect: writing a default or leaving it out is the same section. */
  private Map<String, Object> effective() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Setting<?> setting : declared) {
      Object value = get(setting);
      if (value != null) {
        out.put(setting.name(), value);
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SettingValues that
        && prefix.equals(that.prefix)
        && effective().equals(that.effective());
  }

  @Override
  public int hashCode() {
    return Objects.hash(prefix, effective());
  }

  @Override
  public String toString() {
    return prefix + effective();
  }
}
