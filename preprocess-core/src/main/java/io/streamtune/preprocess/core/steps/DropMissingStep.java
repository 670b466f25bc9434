package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;

/** Rejects (stage clean) a row that misses a value in any of the columns. */
final class DropMissingStep implements Step {

  private final int[] columns;
  private final boolean[] numeric;
  private final String[] names;

  static Step of(StepSpec.DropMissing spec, StepInput in) {
    int[] columns = in.columns(spec.columns(), null);
    return new DropMissingStep(columns, in.numericFlags(columns), in.names(columns));
  }

  DropMissingStep(int[] columns, boolean[] numeric, String[] names) {
    this.columns = columns;
    this.numeric = numeric;
    this.names = names;
  }

  @Override
  public void fit(Frame in, int label) {}

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      if (numeric[i] ? Double.isNaN(in.numbers[c]) : in.texts[c] == null) {
        throw new RowRejected(
            RowRejected.STAGE_CLEAN, "missing value in column '" + names[i] + "' (dropMissing)");
      }
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
  }

  @Override
  public void load(JsonNode node) {}
}
