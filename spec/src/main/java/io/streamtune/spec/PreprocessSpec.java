package io.streamtune.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.streamtune.spec.PipelineSpec.ColumnSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
 */
public record PreprocessSpec(
    List<StepSpec> steps,
    UnknownColumnPolicy unknownColumns,
    Integer warmup,
    Long freezeAfter,
    Integer sketchK,
    Integer quantileRefresh) {

  public PreprocessSpec {
    steps = steps == null ? defaultSteps() : List.copyOf(steps);
    unknownColumns = unknownColumns == null ? UnknownColumnPolicy.REJECT : unknownColumns;
    warmup = warmup == null ? 0 : warmup;
    freezeAfter = freezeAfter == null ? 0L : freezeAfter;
    sketchK = sketchK == null ? 200 : sketchK;
    quantileRefresh = quantileRefresh == null ? 1000 : quantileRefresh;
  }

  public static PreprocessSpec defaults() {
    return new PreprocessSpec(null, null, null, null, null, null);
  }

  /** What the walking skeleton did, as steps. */
  public static List<StepSpec> defaultSteps() {
    return List.of(
        new Impute(ImputeStrategy.MEAN, null, null, null, null),
        new Impute(ImputeStrategy.MOST_FREQUENT, null, null, null, null),
        new Scale(ScaleMethod.STANDARD, null, null, null),
        new OneHot(null, null));
  }

  public enum UnknownColumnPolicy {
    REJECT,
    IGNORE
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
  public record Feature(String name, ColumnType type) {
    public boolean isNumeric() {
      return type == ColumnType.NUMERIC;
    }
  }

  /** One step; in YAML a one-key map naming the step, e.g. {@code - scale: {method: robust}}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
  @JsonSubTypes({
    @JsonSubTypes.Type(DropMissing.class),
    @JsonSubTypes.Type(Impute.class),
    @JsonSubTypes.Type(DropColumns.class),
    @JsonSubTypes.Type(Clip.class),
    @JsonSubTypes.Type(ZScoreClip.class),
    @JsonSubTypes.Type(IqrClip.class),
    @JsonSubTypes.Type(Winsorize.class),
    @JsonSubTypes.Type(Scale.class),
    @JsonSubTypes.Type(Normalize.class),
    @JsonSubTypes.Type(Log1p.class),
    @JsonSubTypes.Type(YeoJohnson.class),
    @JsonSubTypes.Type(Bin.class),
    @JsonSubTypes.Type(OneHot.class),
    @JsonSubTypes.Type(Hash.class),
    @JsonSubTypes.Type(Select.class),
    @JsonSubTypes.Type(VarianceThreshold.class),
    @JsonSubTypes.Type(SelectKBest.class),
    @JsonSubTypes.Type(Pca.class)
  })
  public sealed interface StepSpec {
    /** The step's YAML name. */
    default String kind() {
      return getClass().getAnnotation(JsonTypeName.class).value();
    }

    /**
     * The frame after this step, given the frame before it; throws a {@link SpecException} naming
     * {@code key} when the step does not fit the frame.
     */
    List<Feature> output(List<Feature> input, Map<String, ColumnSpec> rawColumns, String key);

    /** Whether the step is decided once, at the end of the warm-up (so it needs one). */
    default boolean needsWarmup() {
      return false;
    }
  }

  public static final List<String> STEP_NAMES =
      List.of(
          "dropMissing",
          "impute",
          "dropColumns",
          "clip",
          "zscoreClip",
          "iqrClip",
          "winsorize",
          "scale",
          "normalize",
          "log1p",
          "yeoJohnson",
          "bin",
          "oneHot",
          "hash",
          "select",
          "varianceThreshold",
          "selectKBest",
          "pca");

  /**
   * Drops a row that misses a value in any of the columns (default: every column); the row goes to
   * the dead-letter topic with stage {@code clean}. Must come before every other kind of step.
   */
  @JsonTypeName("dropMissing")
  public record DropMissing(List<String> columns) implements StepSpec {
    public DropMissing {
      columns = columns == null ? null : List.copyOf(columns);
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      resolve(columns, input, null, key);
      return input;
    }
  }

  /**
   * Fills missing values.
   *
   * @param strategy mean, median (numeric); most_frequent, constant, ffill (any); interpolate
   *     (numeric, linear between the neighbouring known values of the same key)
   * @param columns default: every numeric column for mean/median/interpolate, every categorical
   *     column for most_frequent, every column for constant/ffill
   * @param fillValue for constant: default {@code 0} (numeric) / {@code missing_value}
   *     (categorical), like scikit-learn
   * @param by for ffill/interpolate: the column whose value keys the series (default: one series)
   * @param maxHold for interpolate: a row waits for the next known value at most this many later
   *     rows, then takes the last known value
   */
  @JsonTypeName("impute")
  public record Impute(
      ImputeStrategy strategy, List<String> columns, String fillValue, String by, Integer maxHold)
      implements StepSpec {
    public Impute {
      strategy = strategy == null ? ImputeStrategy.MEAN : strategy;
      columns = columns == null ? null : List.copyOf(columns);
      maxHold = maxHold == null ? 1000 : maxHold;
    }

    @JsonIgnore
    public boolean isSeries() {
      return strategy == ImputeStrategy.FFILL || strategy == ImputeStrategy.INTERPOLATE;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      ColumnType only =
          switch (strategy) {
            case MEAN, MEDIAN, INTERPOLATE -> ColumnType.NUMERIC;
            default -> null;
          };
      List<Feature> targets =
          resolve(
              columns == null && strategy == ImputeStrategy.MOST_FREQUENT
                  ? names(input, ColumnType.CATEGORICAL)
                  : columns,
              input,
              only,
              key);
      if (strategy == ImputeStrategy.CONSTANT && fillValue != null) {
        for (Feature feature : targets) {
          if (feature.isNumeric() && !isFiniteNumber(fillValue)) {
            throw new SpecException(
                key
                    + ".fillValue '"
                    + fillValue
                    + "' is not a number (column "
                    + feature.name()
                    + " is numeric)");
          }
        }
      }
      if (by != null && !raw.containsKey(by)) {
        throw new SpecException(key + ".by names an unknown column '" + by + "'");
      }
      if (by != null && !isSeries()) {
        throw new SpecException(key + ".by is only allowed with strategy ffill or interpolate");
      }
      requireAtLeast(key + ".maxHold", maxHold, 1);
      return input;
    }
  }

  /**
   * Drops (masks) a column whose share of missing values among the training rows is above a rate:
   * its values become 0 (numeric) or missing (categorical), so the width stays fixed.
   */
  @JsonTypeName("dropColumns")
  public record DropColumns(Double maxMissingRate, List<String> columns) implements StepSpec {
    public DropColumns {
      maxMissingRate = maxMissingRate == null ? 0.5 : maxMissingRate;
      columns = columns == null ? null : List.copyOf(columns);
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if (!(maxMissingRate >= 0 && maxMissingRate <= 1)) {
        throw new SpecException(key + ".maxMissingRate must be in [0, 1], got " + maxMissingRate);
      }
      resolve(columns, input, null, key);
      return input;
    }
  }

  /** Clips numeric columns to fixed bounds (either may be left out). */
  @JsonTypeName("clip")
  public record Clip(List<String> columns, Double min, Double max) implements StepSpec {
    public Clip {
      columns = columns == null ? null : List.copyOf(columns);
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if (min == null && max == null) {
        throw new SpecException(key + " needs 'min', 'max' or both");
      }
      if (min != null && max != null && !(min <= max)) {
        throw new SpecException(key + ".min must not exceed max");
      }
      numericColumns(columns, input, key);
      return input;
    }
  }

  /** Clips numeric columns to mean ± threshold · standard deviation. */
  @JsonTypeName("zscoreClip")
  public record ZScoreClip(List<String> columns, Double threshold) implements StepSpec {
    public ZScoreClip {
      columns = columns == null ? null : List.copyOf(columns);
      threshold = threshold == null ? 3.0 : threshold;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      requirePositive(key + ".threshold", threshold);
      numericColumns(columns, input, key);
      return input;
    }
  }

  /** Clips numeric columns to [Q1 − factor · IQR, Q3 + factor · IQR] (quantiles from KLL). */
  @JsonTypeName("iqrClip")
  public record IqrClip(List<String> columns, Double factor) implements StepSpec {
    public IqrClip {
      columns = columns == null ? null : List.copyOf(columns);
      factor = factor == null ? 1.5 : factor;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if (!(factor >= 0)) {
        throw new SpecException(key + ".factor must be >= 0, got " + factor);
      }
      numericColumns(columns, input, key);
      return input;
    }
  }

  /** Clips numeric columns to their lower and upper quantiles (from KLL). */
  @JsonTypeName("winsorize")
  public record Winsorize(List<String> columns, Double lower, Double upper) implements StepSpec {
    public Winsorize {
      columns = columns == null ? null : List.copyOf(columns);
      lower = lower == null ? 0.01 : lower;
      upper = upper == null ? 0.99 : upper;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if (!(lower >= 0 && lower < upper && upper <= 1)) {
        throw new SpecException(
            key + ": needs 0 <= lower < upper <= 1, got lower " + lower + ", upper " + upper);
      }
      numericColumns(columns, input, key);
      return input;
    }
  }

  /**
   * Scales numeric columns: standard ((x − mean) / std), minmax (to featureRange), robust ((x −
   * median) / (q[quantileRange[1]] − q[quantileRange[0]])).
   */
  @JsonTypeName("scale")
  public record Scale(
      ScaleMethod method,
      List<String> columns,
      List<Double> featureRange,
      List<Double> quantileRange)
      implements StepSpec {
    public Scale {
      method = method == null ? ScaleMethod.STANDARD : method;
      columns = columns == null ? null : List.copyOf(columns);
      featureRange = featureRange == null ? List.of(0.0, 1.0) : List.copyOf(featureRange);
      quantileRange = quantileRange == null ? List.of(25.0, 75.0) : List.copyOf(quantileRange);
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if (featureRange.size() != 2 || !(featureRange.get(0) < featureRange.get(1))) {
        throw new SpecException(key + ".featureRange must be [min, max] with min < max");
      }
      if (quantileRange.size() != 2
          || !(quantileRange.get(0) >= 0
              && quantileRange.get(0) < quantileRange.get(1)
              && quantileRange.get(1) <= 100)) {
        throw new SpecException(
            key + ".quantileRange must be [low, high] with 0 <= low < high <= 100");
      }
      numericColumns(columns, input, key);
      return input;
    }
  }

  /** Scales each row to unit L2 norm (over every feature; all must be numeric by then). */
  @JsonTypeName("normalize")
  public record Normalize() implements StepSpec {
    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      requireAllNumeric(input, key);
      return input;
    }
  }

  /** {@code log(1 + x)}; a value below −1 makes the row a dead letter. */
  @JsonTypeName("log1p")
  public record Log1p(List<String> columns) implements StepSpec {
    public Log1p {
      columns = columns == null ? null : List.copyOf(columns);
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      numericColumns(columns, input, key);
      return input;
    }
  }

  /**
   * Yeo-Johnson power transform; λ per column maximises the log-likelihood over the warm-up rows
   * (scikit-learn's PowerTransformer), then, with standardize, zero mean and unit variance.
   */
  @JsonTypeName("yeoJohnson")
  public record YeoJohnson(List<String> columns, Boolean standardize) implements StepSpec {
    public YeoJohnson {
      columns = columns == null ? null : List.copyOf(columns);
      standardize = standardize == null ? Boolean.TRUE : standardize;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      numericColumns(columns, input, key);
      return input;
    }

    @Override
    public boolean needsWarmup() {
      return true;
    }
  }

  /** Replaces numeric values by their bin number 0..bins-1 (scikit-learn KBinsDiscretizer). */
  @JsonTypeName("bin")
  public record Bin(List<String> columns, Integer bins, BinStrategy strategy) implements StepSpec {
    public Bin {
      columns = columns == null ? null : List.copyOf(columns);
      bins = bins == null ? 5 : bins;
      strategy = strategy == null ? BinStrategy.QUANTILE : strategy;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      requireAtLeast(key + ".bins", bins, 2);
      numericColumns(columns, input, key);
      return input;
    }
  }

  /**
   * One-hot encodes categorical columns over the spec's categories, in place; a missing value
   * encodes as all zeros.
   *
   * @param unseenBucket adds a last slot {@code <column>=<unseen>} for categories outside the spec
   *     (otherwise such a record is a dead letter)
   */
  @JsonTypeName("oneHot")
  public record OneHot(List<String> columns, Boolean unseenBucket) implements StepSpec {
    public OneHot {
      columns = columns == null ? null : List.copyOf(columns);
      unseenBucket = unseenBucket == null ? Boolean.TRUE : unseenBucket;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      Set<String> encoded = new HashSet<>();
      for (Feature feature : categoricalColumns(columns, input, key)) {
        encoded.add(feature.name());
      }
      List<Feature> output = new ArrayList<>();
      for (Feature feature : input) {
        if (!encoded.contains(feature.name())) {
          output.add(feature);
          continue;
        }
        for (String category : raw.get(feature.name()).categories()) {
          output.add(new Feature(feature.name() + "=" + category, ColumnType.NUMERIC));
        }
        if (unseenBucket) {
          output.add(new Feature(feature.name() + "=<unseen>", ColumnType.NUMERIC));
        }
      }
      return output;
    }
  }

  /**
   * Feature hashing of categorical columns (scikit-learn FeatureHasher over {@code column=value},
   * MurmurHash3, alternating sign): the columns are replaced, where the first of them stood, by
   * {@code buckets} features {@code <prefix>_0..}.
   */
  @JsonTypeName("hash")
  public record Hash(List<String> columns, Integer buckets, String prefix) implements StepSpec {
    public Hash {
      columns = columns == null ? null : List.copyOf(columns);
      buckets = buckets == null ? 32 : buckets;
      prefix = prefix == null ? "hash" : prefix;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      requireAtLeast(key + ".buckets", buckets, 1);
      Set<String> hashed = new HashSet<>();
      for (Feature feature : categoricalColumns(columns, input, key)) {
        hashed.add(feature.name());
      }
      List<Feature> output = new ArrayList<>();
      boolean placed = false;
      for (Feature feature : input) {
        if (!hashed.contains(feature.name())) {
          output.add(feature);
        } else if (!placed) {
          placed = true;
          for (int i = 0; i < buckets; i++) {
            output.add(new Feature(prefix + "_" + i, ColumnType.NUMERIC));
          }
        }
      }
      requireUniqueNames(output, key);
      return output;
    }
  }

  /** Keeps only the named features, or drops the named ones (exactly one of the two). */
  @JsonTypeName("select")
  public record Select(List<String> keep, List<String> drop) implements StepSpec {
    public Select {
      keep = keep == null ? null : List.copyOf(keep);
      drop = drop == null ? null : List.copyOf(drop);
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if ((keep == null) == (drop == null)) {
        throw new SpecException(key + " needs exactly one of 'keep' and 'drop'");
      }
      Set<String> named = new HashSet<>();
      for (Feature feature : resolve(keep != null ? keep : drop, input, null, key)) {
        named.add(feature.name());
      }
      List<Feature> output = new ArrayList<>();
      for (Feature feature : input) {
        if (named.contains(feature.name()) == (keep != null)) {
          output.add(feature);
        }
      }
      if (output.isEmpty()) {
        throw new SpecException(key + " leaves no feature");
      }
      return output;
    }
  }

  /**
   * Masks (sets to 0) every feature whose training variance is not above the threshold; the width
   * stays fixed because which features survive is only known from the data.
   */
  @JsonTypeName("varianceThreshold")
  public record VarianceThreshold(Double threshold) implements StepSpec {
    public VarianceThreshold {
      threshold = threshold == null ? 0.0 : threshold;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      if (!(threshold >= 0)) {
        throw new SpecException(key + ".threshold must be >= 0, got " + threshold);
      }
      requireAllNumeric(input, key);
      return input;
    }
  }

  /**
   * Keeps the k features with the highest mutual information with the label (scikit-learn's
   * mutual_info_classif estimator), decided at the end of the warm-up; they keep their input order
   * and are named {@code mi_1..mi_k} (the fitted transform names the chosen inputs).
   *
   * @param neighbors k of the nearest-neighbour estimator
   * @param seed of the tiny noise that breaks ties, as in scikit-learn
   */
  @JsonTypeName("selectKBest")
  public record SelectKBest(Integer k, Integer neighbors, Long seed) implements StepSpec {
    public SelectKBest {
      k = k == null ? 10 : k;
      neighbors = neighbors == null ? 3 : neighbors;
      seed = seed == null ? 42L : seed;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      requireAllNumeric(input, key);
      requireAtLeast(key + ".neighbors", neighbors, 1);
      if (k < 1 || k > input.size()) {
        throw new SpecException(
            key + ".k must be in [1, " + input.size() + "] (the features at this step), got " + k);
      }
      List<Feature> output = new ArrayList<>();
      for (int i = 1; i <= k; i++) {
        output.add(new Feature("mi_" + i, ColumnType.NUMERIC));
      }
      return output;
    }

    @Override
    public boolean needsWarmup() {
      return true;
    }
  }

  /**
   * Incremental PCA (scikit-learn IncrementalPCA) to {@code components} features {@code pc1..};
   * fitted batch by batch.
   *
   * @param batchSize rows per partial fit; default 5 × the number of input features
   */
  @JsonTypeName("pca")
  public record Pca(Integer components, Integer batchSize) implements StepSpec {
    public Pca {
      components = components == null ? 2 : components;
    }

    @Override
    public List<Feature> output(List<Feature> input, Map<String, ColumnSpec> raw, String key) {
      requireAllNumeric(input, key);
      if (components < 1 || components > input.size()) {
        throw new SpecException(
            key
                + ".components must be in [1, "
                + input.size()
                + "] (the features at this step), got "
                + components);
      }
      if (batchSize != null && batchSize < components) {
        throw new SpecException(
            key + ".batchSize must be at least components (" + components + ")");
      }
      List<Feature> output = new ArrayList<>();
      for (int i = 1; i <= components; i++) {
        output.add(new Feature("pc" + i, ColumnType.NUMERIC));
      }
      return output;
    }

    public int effectiveBatchSize(int inputFeatures) {
      return batchSize != null ? batchSize : Math.max(5 * inputFeatures, components);
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

  // ---- helpers shared by the steps ----

  private static List<String> names(List<Feature> input, ColumnType type) {
    return input.stream().filter(f -> f.type() == type).map(Feature::name).toList();
  }

  /** The named features (default: all of {@code only}, or all), checked to exist and fit. */
  static List<Feature> resolve(
      List<String> columns, List<Feature> input, ColumnType only, String key) {
    if (columns == null) {
      return input.stream().filter(f -> only == null || f.type() == only).toList();
    }
    Set<String> unique = new LinkedHashSet<>(columns);
    if (unique.size() != columns.size()) {
      throw new SpecException(key + ".columns has duplicates");
    }
    List<Feature> resolved = new ArrayList<>();
    for (String name : columns) {
      Feature feature =
          input.stream()
              .filter(f -> f.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new SpecException(
                          key
                              + ".columns names '"
                              + name
                              + "', which is not a feature at this step; features here: "
                              + input.stream().map(Feature::name).toList()));
      if (only != null && feature.type() != only) {
        throw new SpecException(
            key
                + ".columns names '"
                + name
                + "', which is "
                + feature.type().name().toLowerCase(Locale.ROOT)
                + "; this step needs "
                + only.name().toLowerCase(Locale.ROOT)
                + " columns");
      }
      resolved.add(feature);
    }
    return resolved;
  }

  static List<Feature> numericColumns(List<String> columns, List<Feature> input, String key) {
    return resolve(columns, input, ColumnType.NUMERIC, key);
  }

  static List<Feature> categoricalColumns(List<String> columns, List<Feature> input, String key) {
    return resolve(columns, input, ColumnType.CATEGORICAL, key);
  }

  private static void requireAllNumeric(List<Feature> input, String key) {
    for (Feature feature : input) {
      if (!feature.isNumeric()) {
        throw new SpecException(
            key
                + " needs numeric features only, but '"
                + feature.name()
                + "' is still categorical; put a oneHot or hash step before it");
      }
    }
  }

  private static void requireUniqueNames(List<Feature> output, String key) {
    Set<String> seen = new HashSet<>();
    for (Feature feature : output) {
      if (!seen.add(feature.name())) {
        throw new SpecException(key + " makes a second feature named '" + feature.name() + "'");
      }
    }
  }

  private static void requirePositive(String key, Double value) {
    if (!(value > 0)) {
      throw new SpecException(key + " must be > 0, got " + value);
    }
  }

  private static void requireAtLeast(String key, Integer value, int min) {
    if (value == null || value < min) {
      throw new SpecException(key + " must be >= " + min + ", got " + value);
    }
  }

  private static boolean isFiniteNumber(String text) {
    try {
      return Double.isFinite(Double.parseDouble(text.trim()));
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
