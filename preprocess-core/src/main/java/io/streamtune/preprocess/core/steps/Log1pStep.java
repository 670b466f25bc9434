package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec;

/** {@code log(1 + x)}; a value at or below −1 has no finite image and rejects the row. */
final class Log1pStep implements Step {

  private final int[] columns;
  private final String[] names;

  static Step of(StepSpec.Log1p spec, StepInput in) {
    int[] columns = in.columns(spec.columns(), ColumnType.NUMERIC);
    return new Log1pStep(columns, in.names(columns));
  }

  Log1pStep(int[] columns, String[] names) {
    this.columns = columns;
    this.names = names;
  }

  @Override
  public void fit(Frame in, int label) {}

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      double x = in.numbers[c];
      if (x <= -1) {
        throw new RowRejected(
            RowRejected.STAGE_TRANSFORM,
            "column '" + names[i] + "': log1p of " + x + " is not finite (values must be > -1)");
      }
      in.numbers[c] = Math.log1p(x);
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
