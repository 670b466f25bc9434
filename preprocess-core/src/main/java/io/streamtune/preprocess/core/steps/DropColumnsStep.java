package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;

/**
 * Masks a column whose share of missing values among the training rows is above the rate: its
 * values become 0 (numeric) or missing (categorical), so the width stays what the spec says.
 */
final class DropColumnsStep implements Step {

  private final int[] columns;
  private final boolean[] numeric;
  private final String[] names;
  private final double maxMissingRate;
  private long rows;
  private final long[] missing;

  static Step of(StepSpec.DropColumns spec, StepInput in) {
    int[] columns = in.columns(spec.columns(), null);
    return new DropColumnsStep(
        columns, in.numericFlags(columns), in.names(columns), spec.maxMissingRate());
  }

  DropColumnsStep(int[] columns, boolean[] numeric, String[] names, double maxMissingRate) {
    this.columns = columns;
    this.numeric = numeric;
    this.names = names;
    this.maxMissingRate = maxMissingRate;
    this.missing = new long[columns.length];
  }

  @Override
  public void fit(Frame in, int label) {
    rows++;
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      if (numeric[i] ? Double.isNaN(in.numbers[c]) : in.texts[c] == null) {
        missing[i]++;
      }
    }
  }

  boolean dropped(int i) {
    return rows > 0 && (double) missing[i] / rows > maxMissingRate;
  }

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      if (dropped(i)) {
        int c = columns[i];
        if (numeric[i]) {
          in.numbers[c] = 0.0;
        } else {
          in.texts[c] = null;
        }
      }
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
    node.put("rows", rows);
    node.set("missing", Json.array(missing));
    boolean[] dropped = new boolean[columns.length];
    for (int i = 0; i < dropped.length; i++) {
      dropped[i] = dropped(i);
    }
    node.set("dropped", Json.array(dropped));
  }

  @Override
  public void load(JsonNode node) {
    rows = node.get("rows").asLong();
    System.arraycopy(Json.longs(node.get("missing")), 0, missing, 0, missing.length);
  }
}
