package io.streamtune.preprocess.core.steps;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.Feature;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a step factory builds a step from besides the step's own spec: the pipeline spec, the frame
 * the step receives and the sketch settings every quantile-based step shares.
 *
 * @param input the frame before the step, as {@code PreprocessSpec.frames} computes it
 * @param salt seeds the step's sketches (its position in {@code preprocess.steps}, plus one)
 */
record StepInput(PipelineSpec spec, List<Feature> input, int sketchK, int refresh, long salt) {

  /** Positions of the named features (default: every feature of the type, or every one). */
  int[] columns(List<String> names, ColumnType only) {
    return Steps.indexes(names, input, only);
  }

  String[] names(int[] columns) {
    String[] names = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      names[i] = input.get(columns[i]).name();
    }
    return names;
  }

  String[] inputNames() {
    return input.stream().map(Feature::name).toArray(String[]::new);
  }

  boolean[] numericFlags(int[] columns) {
    boolean[] flags = new boolean[columns.length];
    for (int i = 0; i < columns.length; i++) {
      flags[i] = input.get(columns[i]).isNumeric();
    }
    return flags;
  }

  /** The known categories of each column, from the spec's raw columns (none for derived ones). */
  List<List<String>> categories(int[] columns) {
    return java.util.Arrays.stream(columns)
        .mapToObj(c -> spec.columns().get(input.get(c).name()))
        .map(raw -> raw == null ? List.<String>of() : raw.categories())
        .toList();
  }

  static Set<Integer> set(int[] values) {
    Set<Integer> set = new HashSet<>();
    for (int value : values) {
      set.add(value);
    }
    return set;
  }
}
