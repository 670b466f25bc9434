package io.streamtune.spec;

/**
 * A spec section whose keys are {@link Setting}s (e.g. {@link TrainerSpec}): holds the values
 * written, reads a key's value or its default, and copies itself with one key changed.
 *
 * @param <S> the section's own type, which {@link #with} returns
 */
public abstract class SettingSection<S extends SettingSection<S>> {

  private final SettingValues values;

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
}
