package io.streamtune.preprocess.core;

import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.schemas.avro.Split;
import java.util.Arrays;
import java.util.List;
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
 * @param source the raw record as it arrived, so a later stage can still dead-letter it; {@code
 *     null} for rows that did not come from a topic (batch mode, tests)
 * @param splitKey what the splitter hashes ({@code split.key}): the id, the row's content or its
 *     group column's value; {@code null} means the id
 * @param badCells the numeric columns whose cell was not a number and became missing ({@code
 *     preprocess.badValues: missing}), each once; empty for most rows
 */
public record ValidatedRow(
    String id,
    long eventTimeMillis,
    String label,
    int labelIndex,
    double[] numericValues,
    String[] categoricalValues,
    Split split,
    RawEnvelope source,
    String splitKey,
    List<String> badCells)
    implements Splittable<ValidatedRow> {

  public ValidatedRow {
    Objects.requireNonNull(id, "id");
    splitKey = splitKey == null ? id : splitKey;
    badCells = badCells == null ? List.of() : List.copyOf(badCells);
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(numericValues, "numericValues");
    Objects.requireNonNull(categoricalValues, "categoricalValues");
  }

  @Override
  public ValidatedRow withSplit(Split newSplit) {
    return new ValidatedRow(
        id,
        eventTimeMillis,
        label,
        labelIndex,
        numericValues,
        categoricalValues,
        newSplit,
        source,
        splitKey,
        badCells);
  }

  public ValidatedRow withSource(RawEnvelope newSource) {
    return new ValidatedRow(
        id,
        eventTimeMillis,
        label,
        labelIndex,
        numericValues,
        categoricalValues,
        split,
        newSource,
        splitKey,
        badCells);
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
        && split == that.split
        && Objects.equals(source, that.source);
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
