package io.streamtune.schemas.serde;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An {@link io.streamtune.schemas.avro.Example}'s features as a fixed-size {@code List<Float>} over
 * a {@code float[]}: the Avro writers of this module read the array itself, so an example the
 * preprocess job builds and writes boxes no feature. Other readers see an ordinary list (boxed on
 * {@link #get}). Setting an element writes through to the array; the size cannot change.
 */
public final class FloatArrayList extends AbstractList<Float> implements RandomAccess {

  private final float[] values;

  /** A view of {@code values}, not a copy: the caller no longer changes the array. */
  public FloatArrayList(float[] values) {
    this.values = java.util.Objects.requireNonNull(values, "values");
  }

  @Override
  public Float get(int index) {
    return values[index];
  }

  @Override
  public Float set(int index, Float value) {
    float before = values[index];
    values[index] = value;
    return before;
  }

  @Override
  public int size() {
    return values.length;
  }

  /** The value at {@code index}, unboxed. */
  public float getFloat(int index) {
    return values[index];
  }
}
