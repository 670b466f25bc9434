package io.streamtune.preprocess.core;

import io.streamtune.schemas.avro.Split;
import java.util.Arrays;
import java.util.Objects;

/**
 * A raw record that passed validation: typed cell values indexed by {@link TabularLayout}, and the
 * split once the splitter has decided it.
 *
 * @param numericValues one per numeric column; {@code NaN} marks a missing value (validation
 *     rejects NaN in the input, so it cannot be confused with data)
 * @param categoricalValues one per categorical column; {@code null} marks a missing value; a value
 *     outside the spec's categories is kept as is and lands in the unseen slot
 * @param split {@code null} until the splitter has run
 */
public record ValidatedRow(
    String id,
    long eventTimeMillis,
    String label,
    int labelIndex,
    double[] numericValues,
    String[] categoricalValues,
    Split split) {

  public ValidatedRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(numericValues, "numericValues");
    Objects.requireNonNull(categoricalValues, "categoricalValues");
  }

  public ValidatedRow withSplit(Split newSplit) {
    return new ValidatedRow(
        id, eventTimeMillis, label, labelIndex, numericValues, categoricalValues, newSplit);
  }

  public boolean isMissingNumeric(int numericIndex) {
    return Double.isNaN(numericValues[numericIndex]);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ValidatedRow that
        && eventTimeMillis == that.eventTimeMillis
        && labelIndex == that.labelIndex
        && id.equals(that.id)
        && label.equals(that.label)
        && Arrays.equals(numericValues, that.numericValues)
        && Arrays.equals(categoricalValues, that.categoricalValues)
        && split == that.split;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id,
        eventTimeMillis,
        label,
        labelIndex,
        Arrays.hashCode(numericValues),
        Arrays.hashCode(categoricalValues),
        split);
  }

  @Override
  public String toString() {
    return "ValidatedRow[id="
        + id
        + ", label="
        + label
        + ", numeric="
        + Arrays.toString(numericValues)
        + ", categorical="
        + Arrays.toString(categoricalValues)
        + ", split="
        + split
        + "]";
  }
}
