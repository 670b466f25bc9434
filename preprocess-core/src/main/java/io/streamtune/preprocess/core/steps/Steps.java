package io.streamtune.preprocess.core.steps;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step registry: which class implements each kind of {@link StepSpec}. A new step is its spec
 * record in {@link StepSpec} (keys, defaults, checks; the parser finds it there), its class here,
 * and one line below.
 */
public final class Steps {

  /** Builds a step from its spec and the frame it receives. */
  @FunctionalInterface
  interface Factory<S extends StepSpec> {
    Step create(S spec, StepInput input);
  }

  private record Entry<S extends StepSpec>(Class<S> type, Factory<S> factory) {
    Step create(StepSpec spec, StepInput input) {
      return factory.create(type.cast(spec), input);
    }
  }

  private static final Map<Class<?>, Entry<?>> REGISTRY =
      registry(
          entry(StepSpec.DropMissing.class, DropMissingStep::of),
          entry(StepSpec.Impute.class, ImputeStep::of),
          entry(StepSpec.DropColumns.class, DropColumnsStep::of),
          entry(StepSpec.Clip.class, ClipStep::fixed),
          entry(StepSpec.ZScoreClip.class, ClipStep::zscore),
          entry(StepSpec.IqrClip.class, ClipStep::iqr),
          entry(StepSpec.Winsorize.class, ClipStep::winsorize),
          entry(StepSpec.Scale.class, ScaleStep::of),
          entry(StepSpec.Normalize.class, NormalizeStep::of),
          entry(StepSpec.Log1p.class, Log1pStep::of),
          entry(StepSpec.YeoJohnson.class, YeoJohnsonStep::of),
          entry(StepSpec.Bin.class, BinStep::of),
          entry(StepSpec.OneHot.class, OneHotStep::of),
          entry(StepSpec.Hash.class, HashStep::of),
          entry(StepSpec.Select.class, SelectStep::of),
          entry(StepSpec.VarianceThreshold.class, VarianceThresholdStep::of),
          entry(StepSpec.SelectKBest.class, SelectKBestStep::of),
          entry(StepSpec.Pca.class, PcaStep::of));

  private Steps() {}

  private static <S extends StepSpec> Entry<S> entry(Class<S> type, Factory<S> factory) {
    return new Entry<>(type, factory);
  }

  private static Map<Class<?>, Entry<?>> registry(Entry<?>... entries) {
    Map<Class<?>, Entry<?>> registry = new java.util.HashMap<>();
    for (Entry<?> entry : entries) {
      if (registry.put(entry.type(), entry) != null) {
        throw new IllegalStateException("step registered twice: " + entry.type());
      }
    }
    return Map.copyOf(registry);
  }

  /** Whether a kind of step has an implementation (every {@link StepSpec#TYPES} entry must). */
  public static boolean implemented(Class<?> stepSpecType) {
    return REGISTRY.containsKey(stepSpecType);
  }

  /**
   * @param index position of the step in {@code preprocess.steps} (seeds its sketches)
   * @param input the frame before the step, as {@link PreprocessSpec#frames} computes it
   */
  public static Step create(PipelineSpec spec, StepSpec step, int index, List<Feature> input) {
    Entry<?> entry = REGISTRY.get(step.getClass());
    if (entry == null) {
      throw new IllegalArgumentException("no implementation for step " + step.kind());
    }
    PreprocessSpec preprocess = spec.preprocess();
    return entry.create(
        step,
        new StepInput(spec, input, preprocess.sketchK(), preprocess.quantileRefresh(), index + 1L));
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
}
