package io.streamtune.spec;

import io.streamtune.spec.PipelineSpec.ColumnSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec.DropMissing;
import io.streamtune.spec.StepSpec.Impute;
import io.streamtune.spec.StepSpec.OneHot;
import io.streamtune.spec.StepSpec.Scale;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code preprocess} section: an ordered list of steps that clean and engineer features, each
 * fitted on the training split only. Documented in docs/preprocessing.md.
 *
 * @param steps applied in order; the default reproduces the walking skeleton (mean / most-frequent
 *     imputation, standard scaling, one-hot with an unseen bucket)
 * @param unknownColumns what to do with a record column the spec does not list
 * @param warmup training rows buffered (with the holdout rows that arrive meanwhile) before
 *     anything is emitted; at the end of the warm-up the steps are fitted on them exactly like the
 *     batch mode and the buffered rows are emitted. 0 = no warm-up
 * @param freezeAfter training rows after which no statistic changes any more (0 = never)
 * @param sketchK accuracy parameter of the KLL quantile sketches (DataSketches; 200 gives a
 *     normalized rank error of about 1.65 %)
 * @param quantileRefresh in a stream, quantile-based parameters are read from their sketches after
 *     1, 2, 4, ... training values up to this many, then every this many
 * @param badValues what a numeric cell that is not a finite number does to its record: {@code
 *     reject} (a dead letter naming the cell) or {@code missing} (the cell becomes missing, is
 *     imputed like any missing value and is counted per column); a column's own {@code badValues}
 *     overrides it
 */
public record PreprocessSpec(
    List<StepSpec> steps,
    UnknownColumnPolicy unknownColumns,
    Integer warmup,
    Long freezeAfter,
    Integer sketchK,
    Integer quantileRefresh,
    BadValuePolicy badValues)
    implements Serializable {

  public PreprocessSpec {
    steps = steps == null ? defaultSteps() : List.copyOf(steps);
    unknownColumns = unknownColumns == null ? UnknownColumnPolicy.REJECT : unknownColumns;
    warmup = warmup == null ? 0 : warmup;
    freezeAfter = freezeAfter == null ? 0L : freezeAfter;
    sketchK = sketchK == null ? 200 : sketchK;
    quantileRefresh = quantileRefresh == null ? 1000 : quantileRefresh;
    badValues = badValues == null ? BadValuePolicy.REJECT : badValues;
  }

  public PreprocessSpec(
      List<StepSpec> steps,
      UnknownColumnPolicy unknownColumns,
      Integer warmup,
      Long freezeAfter,
      Integer sketchK,
      Integer quantileRefresh) {
    this(steps, unknownColumns, warmup, freezeAfter, sketchK, quantileRefresh, null);
  }

  public static PreprocessSpec defaults() {
    return new PreprocessSpec(null, null, null, null, null, null, null);
  }

  /** What the walking skeleton did, as steps. */
  public static List<StepSpec> defaultSteps() {
    return List.of(
        new Impute(ImputeStrategy.MEAN, null, null, null, null, null, null),
        new Impute(ImputeStrategy.MOST_FREQUENT, null, null, null, null, null, null),
        new Scale(ScaleMethod.STANDARD, null, null, null),
        new OneHot(null, null));
  }

  public enum UnknownColumnPolicy {
    REJECT,
    IGNORE
  }

  /** What a numeric cell that is not a finite number does ({@code preprocess.badValues}). */
  public enum BadValuePolicy {
    REJECT,
    MISSING
  }

  /** The policy of one column: its own, else the section's. */
  public BadValuePolicy badValuesOf(ColumnSpec column) {
    return column.badValues() == null ? badValues : column.badValues();
  }

  public enum ImputeStrategy {
    MEAN,
    MEDIAN,
    MOST_FREQUENT,
    CONSTANT,
    FFILL,
    INTERPOLATE
  }

  public enum ScaleMethod {
    STANDARD,
    MINMAX,
    ROBUST
  }

  public enum BinStrategy {
    UNIFORM,
    QUANTILE
  }

  /** One column of the frame between two steps. */
  public record Feature(String name, ColumnType type) implements Serializable {
    public boolean isNumeric() {
      return type == ColumnType.NUMERIC;
    }
  }

  /** The raw frame: the spec's feature columns in order. */
  public static List<Feature> rawFeatures(Map<String, ColumnSpec> columns) {
    List<Feature> features = new ArrayList<>();
    columns.forEach((name, spec) -> features.add(new Feature(name, spec.type())));
    return features;
  }

  /** The frame before each step and after the last one: {@code steps.size() + 1} frames. */
  public List<List<Feature>> frames(Map<String, ColumnSpec> columns, String origin) {
    List<List<Feature>> frames = new ArrayList<>();
    List<Feature> frame = rawFeatures(columns);
    frames.add(frame);
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      if (step == null) {
        throw new SpecException(origin + ": key 'preprocess.steps[" + i + "]' is empty");
      }
      String key = origin + ": key preprocess.steps[" + i + "]." + step.kind();
      frame = List.copyOf(step.output(frame, columns, key));
      frames.add(frame);
    }
    return frames;
  }

  /** Names of the output features, in order; every one is numeric. */
  public List<String> featureNames(Map<String, ColumnSpec> columns) {
    List<List<Feature>> frames = frames(columns, "pipeline spec");
    return frames.get(frames.size() - 1).stream().map(Feature::name).toList();
  }

  /** Checks the steps against the columns; every message names the key. */
  public void validate(Map<String, ColumnSpec> columns, String origin) {
    boolean seenOther = false;
    boolean seenNonSeries = false;
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      String key = "preprocess.steps[" + i + "]";
      if (step instanceof DropMissing) {
        if (seenOther) {
          throw new SpecException(
              origin + ": key '" + key + "': dropMissing steps must come before every other step");
        }
      } else if (step instanceof Impute impute && impute.isSeries()) {
        seenOther = true;
        if (seenNonSeries) {
          throw new SpecException(
              origin
                  + ": key '"
                  + key
                  + "': impute with strategy ffill or interpolate must come before every step"
                  + " other than dropMissing (it works on the raw values in event-time order)");
        }
      } else {
        seenOther = true;
        seenNonSeries = true;
      }
      if (step != null && step.needsWarmup() && warmup <= 0) {
        throw new SpecException(
            origin
                + ": key '"
                + key
                + "."
                + step.kind()
                + "' is decided at the end of the warm-up: set 'preprocess.warmup' > 0");
      }
    }
    List<List<Feature>> frames = frames(columns, origin);
    for (Feature feature : frames.get(frames.size() - 1)) {
      if (!feature.isNumeric()) {
        throw new SpecException(
            origin
                + ": categorical column '"
                + feature.name()
                + "' reaches the end of 'preprocess.steps'; add a oneHot or hash step");
      }
    }
    if (frames.get(frames.size() - 1).isEmpty()) {
      throw new SpecException(origin + ": 'preprocess.steps' leave no feature");
    }
    if (warmup < 0) {
      throw new SpecException(origin + ": key 'preprocess.warmup' must be >= 0, got " + warmup);
    }
    if (freezeAfter < 0) {
      throw new SpecException(
          origin + ": key 'preprocess.freezeAfter' must be >= 0 (0 = never), got " + freezeAfter);
    }
    if (freezeAfter > 0 && freezeAfter < warmup) {
      throw new SpecException(
          origin
              + ": key 'preprocess.freezeAfter' ("
              + freezeAfter
              + ") must be 0 or at least 'preprocess.warmup' ("
              + warmup
              + ")");
    }
    if (sketchK < 8 || sketchK > 65535) {
      throw new SpecException(
          origin + ": key 'preprocess.sketchK' must be in [8, 65535], got " + sketchK);
    }
    if (quantileRefresh < 1) {
      throw new SpecException(
          origin + ": key 'preprocess.quantileRefresh' must be >= 1, got " + quantileRefresh);
    }
  }
}
