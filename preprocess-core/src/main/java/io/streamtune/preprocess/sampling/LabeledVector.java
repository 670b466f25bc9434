package io.streamtune.preprocess.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One row for the batch resampler: an id, a class label and a feature vector; a synthetic row
 * (SMOTE interpolation or random copy) names the rows it was made from.
 *
 * @param parentIds for a synthetic row: the row it grew from first, then (SMOTE) the neighbour it
 *     was interpolated towards; empty for an original row
 */
public record LabeledVector(
    String id, String label, double[] features, boolean synthetic, List<String> parentIds) {

  public LabeledVector {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(features, "features");
    parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
  }

  public static LabeledVector original(String id, String label, double[] features) {
    return new LabeledVector(id, label, features, false, List.of());
  }

  /** The row a synthetic row grew from (its own id for an original). */
  public String sourceId() {
    return parentIds.isEmpty() ? id : parentIds.get(0);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabeledVector that
        && synthetic == that.synthetic
        && id.equals(that.id)
        && label.equals(that.label)
        && Arrays.equals(features, that.features)
        && parentIds.equals(that.parentIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, label, Arrays.hashCode(features), synthetic, parentIds);
  }

  @Override
  public String toString() {
    return "LabeledVector[" + id + ", " + label + ", " + Arrays.toString(features) + "]";
  }
}
