package io.streamtune.preprocess.core.steps;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.StepSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the step that implements a step spec, for the frame it receives. */
public final class Steps {

  private Steps() {}

  /**
   * @param index position of the step in {@code preprocess.steps} (seeds its sketches)
   * @param input the frame before the step, as {@link PreprocessSpec#frames} computes it
   */
  public static Step create(PipelineSpec spec, StepSpec step, int index, List<Feature> input) {
    PreprocessSpec preprocess = spec.preprocess();
    int sketchK = preprocess.sketchK();
    int refresh = preprocess.quantileRefresh();
    long salt = index + 1L;
    String[] inputNames = input.stream().map(Feature::name).toArray(String[]::new);
    if (step instanceof StepSpec.DropMissing s) {
      int[] columns = indexes(s.columns(), input, null);
      return new DropMissingStep(columns, numericFlags(columns, input), names(columns, input));
    }
    if (step instanceof StepSpec.Impute s) {
      ColumnType only =
          switch (s.strategy()) {
            case MEAN, MEDIAN, INTERPOLATE -> ColumnType.NUMERIC;
            case MOST_FREQUENT -> s.columns() == null ? ColumnType.CATEGORICAL : null;
            default -> null;
          };
      int[] columns = indexes(s.columns(), input, only);
      List<List<String>> categories = new ArrayList<>();
      for (int c : columns) {
        PipelineSpec.ColumnSpec raw = spec.columns().get(input.get(c).name());
        categories.add(raw == null ? List.of() : raw.categories());
      }
      if (s.isSeries()) {
        throw new IllegalArgumentException("series imputation is not a fitted step");
      }
      return new ImputeStep(
          s.strategy(), columns, input, categories, s.fillValue(), sketchK, refresh, salt);
    }
    if (step instanceof StepSpec.DropColumns s) {
      int[] columns = indexes(s.columns(), input, null);
      return new DropColumnsStep(
          columns, numericFlags(columns, input), names(columns, input), s.maxMissingRate());
    }
    if (step instanceof StepSpec.Clip s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new ClipStep(
          ClipStep.Kind.FIXED,
          columns,
          names(columns, input),
          s.min() == null ? Double.NaN : s.min(),
          s.max() == null ? Double.NaN : s.max(),
          sketchK,
          refresh,
          salt);
    }
    if (step instanceof StepSpec.ZScoreClip s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new ClipStep(
          ClipStep.Kind.ZSCORE,
          columns,
          names(columns, input),
          s.threshold(),
          0,
          sketchK,
          refresh,
          salt);
    }
    if (step instanceof StepSpec.IqrClip s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new ClipStep(
          ClipStep.Kind.IQR, columns, names(columns, input), s.factor(), 0, sketchK, refresh, salt);
    }
    if (step instanceof StepSpec.Winsorize s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new ClipStep(
          ClipStep.Kind.QUANTILES,
          columns,
          names(columns, input),
          s.lower(),
          s.upper(),
          sketchK,
          refresh,
          salt);
    }
    if (step instanceof StepSpec.Scale s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new ScaleStep(
          s.method(),
          columns,
          names(columns, input),
          s.featureRange().get(0),
          s.featureRange().get(1),
          s.quantileRange().get(0),
          s.quantileRange().get(1),
          sketchK,
          refresh,
          salt);
    }
    if (step instanceof StepSpec.Normalize) {
      return new NormalizeStep();
    }
    if (step instanceof StepSpec.Log1p s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new Log1pStep(columns, names(columns, input));
    }
    if (step instanceof StepSpec.YeoJohnson s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new YeoJohnsonStep(columns, names(columns, input), s.standardize());
    }
    if (step instanceof StepSpec.Bin s) {
      int[] columns = indexes(s.columns(), input, ColumnType.NUMERIC);
      return new BinStep(
          columns, names(columns, input), s.bins(), s.strategy(), sketchK, refresh, salt);
    }
    if (step instanceof StepSpec.OneHot s) {
      Set<Integer> encoded = set(indexes(s.columns(), input, ColumnType.CATEGORICAL));
      List<List<String>> categories = new ArrayList<>();
      for (int i = 0; i < input.size(); i++) {
        categories.add(
            encoded.contains(i) ? spec.columns().get(input.get(i).name()).categories() : null);
      }
      return new OneHotStep(inputNames, categories, s.unseenBucket());
    }
    if (step instanceof StepSpec.Hash s) {
      Set<Integer> hashed = set(indexes(s.columns(), input, ColumnType.CATEGORICAL));
      boolean[] flags = new boolean[input.size()];
      hashed.forEach(i -> flags[i] = true);
      return new HashStep(inputNames, flags, s.buckets());
    }
    if (step instanceof StepSpec.Select s) {
      Set<Integer> named = set(indexes(s.keep() != null ? s.keep() : s.drop(), input, null));
      List<Integer> kept = new ArrayList<>();
      for (int i = 0; i < input.size(); i++) {
        if (named.contains(i) == (s.keep() != null)) {
          kept.add(i);
        }
      }
      int[] keptIndexes = kept.stream().mapToInt(Integer::intValue).toArray();
      return new SelectStep(keptIndexes, names(keptIndexes, input));
    }
    if (step instanceof StepSpec.VarianceThreshold s) {
      return new VarianceThresholdStep(inputNames, s.threshold());
    }
    if (step instanceof StepSpec.SelectKBest s) {
      return new SelectKBestStep(inputNames, s.k(), s.neighbors(), s.seed());
    }
    if (step instanceof StepSpec.Pca s) {
      return new PcaStep(inputNames, s.components(), s.effectiveBatchSize(input.size()));
    }
    throw new IllegalArgumentException("no implementation for step " + step.kind());
  }

  /** Positions of the named features (default: every feature of the type, or every one). */
  public static int[] indexes(List<String> columns, List<Feature> input, ColumnType only) {
    List<Integer> result = new ArrayList<>();
    if (columns == null) {
      for (int i = 0; i < input.size(); i++) {
        if (only == null || input.get(i).type() == only) {
          result.add(i);
        }
      }
    } else {
      for (String name : columns) {
        for (int i = 0; i < input.size(); i++) {
          if (input.get(i).name().equals(name)) {
            result.add(i);
          }
        }
      }
    }
    return result.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean[] numericFlags(int[] columns, List<Feature> input) {
    boolean[] flags = new boolean[columns.length];
    for (int i = 0; i < columns.length; i++) {
      flags[i] = input.get(columns[i]).isNumeric();
    }
    return flags;
  }

  private static String[] names(int[] columns, List<Feature> input) {
    String[] names = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      names[i] = input.get(columns[i]).name();
    }
    return names;
  }

  private static Set<Integer> set(int[] values) {
    Set<Integer> set = new HashSet<>();
    for (int value : values) {
      set.add(value);
    }
    return set;
  }
}
