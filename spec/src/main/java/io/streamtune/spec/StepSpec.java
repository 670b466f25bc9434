package io.streamtune.spec;

import static io.streamtune.spec.StepChecks.categoricalColumns;
import static io.streamtune.spec.StepChecks.isFiniteNumber;
import static io.streamtune.spec.StepChecks.names;
import static io.streamtune.spec.StepChecks.numericColumns;
import static io.streamtune.spec.StepChecks.requireAllNumeric;
import static io.streamtune.spec.StepChecks.requireAtLeast;
import static io.streamtune.spec.StepChecks.requireBetween;
import static io.streamtune.spec.StepChecks.requirePositive;
import static io.streamtune.spec.StepChecks.requireUniqueNames;
import static io.streamtune.spec.StepChecks.resolve;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.streamtune.spec.PipelineSpec.ColumnSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.BinStrategy;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.PreprocessSpec.ImputeStrategy;
import io.streamtune.spec.PreprocessSpec.ScaleMethod;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One step of {@code preprocess.steps}: its keys, defaults and checks against the frame it
 * receives. In YAML a one-key map naming the step, e.g. {@code - scale: {method: robust}}.
 *
 * <p>Every record below is a step: its {@link JsonTypeName} is its YAML name, and the parser learns
 * the steps from this interface's permitted subclasses ({@link #TYPES}), so a new step needs no
 * list here; preprocess-core's {@code Steps} registry maps it to its implementation.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
public sealed interface StepSpec extends Serializable {

  /** Every kind of step, in declaration order. */
  List<Class<?>> TYPES = List.of(StepSpec.class.getPermittedSubclasses());

  /** The YAML names of the steps, in declaration order. */
  List<String> NAMES =
      TYPES.stream().map(type -> type.getAnnotation(JsonTypeName.class).value()).toList();

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
   * @param maxDistinct for most_frequent: the values counted exactly per column (default 10,000);
   *     beyond it the counts become a Space-Saving summary of that many values, so memory and state
   *     stay bounded (exact mode while the distinct values fit; beyond, exact when the mode leads
   *     the runner-up by more than rows / maxDistinct)
   * @param maxKeys for ffill/interpolate: the series keys remembered (default 100,000); beyond it
   *     the least recently seen key is forgotten, and when it returns it starts a new series
   */
  @JsonTypeName("impute")
  public record Impute(
      ImputeStrategy strategy,
      List<String> columns,
      String fillValue,
      String by,
      Integer maxHold,
      Integer maxDistinct,
      Integer maxKeys)
      implements StepSpec {

    /** Largest allowed maxDistinct. */
    public static final int MAX_DISTINCT_LIMIT = 10_000_000;

    /** Largest allowed maxKeys. */
    public static final int MAX_KEYS_LIMIT = 100_000_000;

    public Impute {
      strategy = strategy == null ? ImputeStrategy.MEAN : strategy;
      columns = columns == null ? null : List.copyOf(columns);
      maxHold = maxHold == null ? 1000 : maxHold;
      maxDistinct = maxDistinct == null ? 10_000 : maxDistinct;
      maxKeys = maxKeys == null ? 100_000 : maxKeys;
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
      requireBetween(key + ".maxDistinct", maxDistinct, 1, MAX_DISTINCT_LIMIT);
      requireBetween(key + ".maxKeys", maxKeys, 1, MAX_KEYS_LIMIT);
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
}
