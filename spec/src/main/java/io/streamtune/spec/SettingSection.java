package io.streamtune.spec;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * A spec section whose keys are {@link Setting}s (e.g. {@link TrainerSpec}): holds the values
 * written, reads a key's value or its default, and copies itself with one key changed.
 *
 * @param <S> the section's own type, which {@link #with} returns
 */
public abstract class SettingSection<S extends SettingSection<S>> implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** Not serialized itself: {@link #writeReplace} sends the section as its YAML. */
  private final transient SettingValues values;

  protected SettingSection(SettingValues values) {
    this.values = values;
  }

  /** The same section over other values. */
  protected abstract S copy(SettingValues changed);

  /** A copy with one key set (checked against its setting), or back to its default with null. */
  public final <T> S with(Setting<T> setting, T value) {
    return copy(values.with(setting, value));
  }

  /** The key's value, its default when not written. */
  public final <T> T get(Setting<T> setting) {
    return values.get(setting);
  }

  public final SettingValues values() {
    return values;
  }

  @Override
  public final boolean equals(Object other) {
    return other != null
        && other.getClass() == getClass()
        && values.equals(((SettingSection<?>) other).values);
  }

  @Override
  public final int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + values;
  }

  /**
   * Serialized as the YAML it reads from (the Flink job hands the parsed spec to its operators);
   * the settings' parsers and checks are code, so they are not written but found again on read.
   */
  @Serial
  protected final Object writeReplace() {
    return new Serialized(getClass(), values.toYaml());
  }

  /** A section on the wire: its class, which must have a static {@code read(Map)}, and its keys. */
  private record Serialized(Class<?> section, Map<String, Object> yaml) implements Serializable {
    @Serial
    private Object readResolve() throws ObjectStreamException {
      try {
        return section.getMethod("read", Map.class).invoke(null, yaml);
      } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
        InvalidObjectException failure =
            new InvalidObjectException("cannot read a " + section.getSimpleName() + " back");
        failure.initCause(e);
        throw failure;
      }
    }
  }
}
