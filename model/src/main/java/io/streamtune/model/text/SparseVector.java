package io.streamtune.model.text;

import java.util.Arrays;

/**
 * A sparse feature vector: strictly increasing {@code indices} and their {@code values}.
 *
 * @param indices column of each stored value, ascending, no repeats
 * @param values the values, same length as {@code indices}
 */
public record SparseVector(int[] indices, float[] values) {

  public SparseVector {
    if (indices.length != values.length) {
      throw new IllegalArgumentException(
          "indices and values differ in length: " + indices.length + " vs " + values.length);
    }
    for (int i = 1; i < indices.length; i++) {
      if (indices[i] <= indices[i - 1]) {
        throw new IllegalArgumentException("indices must be strictly increasing at position " + i);
      }
    }
  }

  public int nonZeros() {
    return indices.length;
  }

  /** The L2 norm. */
  public double norm() {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  /** The value at {@code index} (0 where nothing is stored). */
  public float get(int index) {
    int at = Arrays.binarySearch(indices, index);
    return at < 0 ? 0f : values[at];
  }

  /** The dot product with a dense vector whose element {@code j} is {@code dense[offset + j]}. */
  public double dot(double[] dense, int offset) {
    double sum = 0;
    for (int i = 0; i < indices.length; i++) {
      sum += values[i] * dense[offset + indices[i]];
    }
    return sum;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SparseVector that
        && Arrays.equals(indices, that.indices)
        && Arrays.equals(values, that.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseVector[nonZeros=" + indices.length + "]";
  }
}
