package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.preprocess.core.CategoryIndex;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.PreprocessSpec.ImputeStrategy;
import io.streamtune.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fills missing values with a fitted or constant value (scikit-learn SimpleImputer with
 * keep_empty_features=True: a column with no value yet gets 0, or its first spec category).
 * Most-frequent ties go to the smallest value, as in scikit-learn; for a categorical column only
 * the spec's categories are counted. The counts keep at most {@code maxDistinct} values per column
 * ({@link ModeCounter}): exact up to there, a Space-Saving summary beyond.
 */
final class ImputeStep implements Step {

  private final ImputeStrategy strategy;
  private final int[] columns;
  private final boolean[] numeric;
  private final String[] names;
  private final List<List<String>> categories;
  private final CategoryIndex[] categoryIndexes;
  private final String fillValue;
  private final int refresh;

  private final Moments moments;
  private final QuantileSketches sketches;
  private final int maxDistinct;
  private final List<ModeCounter<Double>> numberCounts = new ArrayList<>();
  private final List<ModeCounter<String>> textCounts = new ArrayList<>();
  private final double[] modeNumber;
  private final long[] modeCount;
  private final String[] modeText;

  /**
   * Current fill value per listed column (numeric ones in fillNumbers, categorical in fillTexts).
   */
  private final double[] fillNumbers;

  private final String[] fillTexts;

  static Step of(StepSpec.Impute spec, StepInput in) {
    if (spec.isSeries()) {
      throw new IllegalArgumentException("series imputation is not a fitted step");
    }
    ColumnType only =
        switch (spec.strategy()) {
          case MEAN, MEDIAN, INTERPOLATE -> ColumnType.NUMERIC;
          case MOST_FREQUENT -> spec.columns() == null ? ColumnType.CATEGORICAL : null;
          default -> null;
        };
    int[] columns = in.columns(spec.columns(), only);
    return new ImputeStep(
        spec.strategy(),
        columns,
        in.input(),
        in.categories(columns),
        spec.fillValue(),
        in.sketchK(),
        in.refresh(),
        in.salt(),
        spec.maxDistinct());
  }

  ImputeStep(
      ImputeStrategy strategy,
      int[] columns,
      List<Feature> input,
      List<List<String>> categories,
      String fillValue,
      int sketchK,
      int refresh,
      long salt,
      int maxDistinct) {
    this.strategy = strategy;
    this.maxDistinct = maxDistinct;
    this.columns = columns;
    this.categories = categories;
    this.categoryIndexes =
        categories.stream().map(CategoryIndex::new).toArray(CategoryIndex[]::new);
    this.fillValue = fillValue;
    this.refresh = refresh;
    int n = columns.length;
    numeric = new boolean[n];
    names = new String[n];
    for (int i = 0; i < n; i++) {
      numeric[i] = input.get(columns[i]).isNumeric();
      names[i] = input.get(columns[i]).name();
    }
    moments = strategy == ImputeStrategy.MEAN ? new Moments(n) : null;
    sketches = strategy == ImputeStrategy.MEDIAN ? new QuantileSketches(n, sketchK, salt) : null;
    modeNumber = new double[n];
    modeCount = new long[n];
    modeText = new String[n];
    for (int i = 0; i < n; i++) {
      numberCounts.add(new ModeCounter<>(maxDistinct));
      textCounts.add(new ModeCounter<>(maxDistinct));
    }
    fillNumbers = new double[n];
    fillTexts = new String[n];
    for (int i = 0; i < n; i++) {
      fillTexts[i] = categories.get(i).isEmpty() ? null : categories.get(i).get(0);
    }
    if (strategy == ImputeStrategy.CONSTANT) {
      for (int i = 0; i < n; i++) {
        if (numeric[i]) {
          fillNumbers[i] = fillValue == null ? 0.0 : Double.parseDouble(fillValue.trim());
        } else {
          fillTexts[i] = fillValue == null ? "missing_value" : fillValue;
        }
      }
    }
  }

  @Override
  public void fit(Frame in, int label) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      switch (strategy) {
        case MEAN -> {
          moments.add(i, in.numbers[c]);
          fillNumbers[i] = moments.count[i] == 0 ? 0.0 : moments.mean[i];
        }
        case MEDIAN -> {
          double x = in.numbers[c];
          if (!Double.isNaN(x)) {
            sketches.add(i, x);
            if (QuantileSketches.refreshDue(sketches.count(i), refresh)) {
              fillNumbers[i] = sketches.quantile(i, 0.5);
            }
          }
        }
        case MOST_FREQUENT -> countForMode(i, in, c);
        default -> {}
      }
    }
  }

  private void countForMode(int i, Frame in, int c) {
    if (numeric[i]) {
      double x = in.numbers[c];
      if (Double.isNaN(x)) {
        return;
      }
      long count = numberCounts.get(i).add(x == 0.0 ? 0.0 : x);
      if (count > modeCount[i] || (count == modeCount[i] && x < modeNumber[i])) {
        modeCount[i] = count;
        modeNumber[i] = x;
        fillNumbers[i] = x;
      }
    } else {
      String x = in.texts[c];
      if (categoryIndexes[i].indexOf(x) < 0) {
        return;
      }
      long count = textCounts.get(i).add(x);
      if (count > modeCount[i] || (count == modeCount[i] && x.compareTo(modeText[i]) < 0)) {
        modeCount[i] = count;
        modeText[i] = x;
        fillTexts[i] = x;
      }
    }
  }

  @Override
  public void finish() {
    if (strategy == ImputeStrategy.MEDIAN) {
      for (int i = 0; i < columns.length; i++) {
        fillNumbers[i] = sketches.count(i) == 0 ? 0.0 : sketches.quantile(i, 0.5);
      }
    }
  }

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      if (numeric[i]) {
        if (Double.isNaN(in.numbers[c])) {
          in.numbers[c] = fillNumbers[i];
        }
      } else if (in.texts[c] == null) {
        in.texts[c] = fillTexts[i];
      }
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("columns", Json.strings(names));
    ArrayNode fill = node.putArray("fill");
    for (int i = 0; i < columns.length; i++) {
      if (numeric[i]) {
        fill.add(Json.number(fillNumbers[i]));
      } else if (fillTexts[i] == null) {
        fill.addNull();
      } else {
        fill.add(fillTexts[i]);
      }
    }
    if (moments != null) {
      moments.save(node.putObject("moments"));
    }
    if (sketches != null) {
      sketches.save(node.putObject("quantiles"));
    }
    if (strategy == ImputeStrategy.MOST_FREQUENT) {
      // "counts": per column, value -> count (the exact form, unchanged); "errors", only once a
      // column's counts became a summary: per column null (exact) or value -> error (non-zero only)
      ArrayNode counts = node.putArray("counts");
      ArrayNode errors = null;
      for (int i = 0; i < columns.length; i++) {
        ModeCounter<?> counter = numeric[i] ? numberCounts.get(i) : textCounts.get(i);
        ObjectNode column = counts.addObject();
        counter.counts().forEach((value, count) -> column.put(key(value), count));
        if (counter.summarized() && errors == null) {
          errors = node.putArray("errors");
          for (int j = 0; j < i; j++) {
            errors.addNull();
          }
        }
        if (errors != null && counter.summarized()) {
          ObjectNode columnErrors = errors.addObject();
          counter.errors().forEach((value, error) -> columnErrors.put(key(value), error));
        } else if (errors != null) {
          errors.addNull();
        }
      }
    }
  }

  private static String key(Object value) {
    return value instanceof Double number ? Double.toString(number) : (String) value;
  }

  /** How many values column i's most_frequent counts keep (bounded by maxDistinct). */
  int keptValues(int i) {
    return numeric[i] ? numberCounts.get(i).size() : textCounts.get(i).size();
  }

  @Override
  public void load(JsonNode node) {
    JsonNode fill = node.get("fill");
    for (int i = 0; i < columns.length; i++) {
      if (numeric[i]) {
        fillNumbers[i] = Json.asDouble(fill.get(i));
      } else {
        fillTexts[i] = fill.get(i).isNull() ? null : fill.get(i).asText();
      }
    }
    if (moments != null && node.has("moments")) {
      moments.load(node.get("moments"));
    }
    if (sketches != null && node.has("quantiles")) {
      sketches.load(node.get("quantiles"));
    }
    if (strategy == ImputeStrategy.MOST_FREQUENT && node.has("counts")) {
      JsonNode errors = node.get("errors");
      for (int i = 0; i < columns.length; i++) {
        JsonNode columnErrors = errors == null ? null : errors.get(i);
        boolean summarized = columnErrors != null && columnErrors.isObject();
        modeCount[i] = 0;
        if (numeric[i]) {
          ModeCounter<Double> counter = new ModeCounter<>(maxDistinct);
          numberCounts.set(i, counter);
          restore(node.get("counts").get(i), columnErrors, counter, Double::parseDouble);
          counter.restored(summarized);
          for (Map.Entry<Double, Long> entry : counter.counts().entrySet()) {
            long count = entry.getValue();
            double value = entry.getKey();
            if (count > modeCount[i] || (count == modeCount[i] && value < modeNumber[i])) {
              modeCount[i] = count;
              modeNumber[i] = value;
            }
          }
        } else {
          ModeCounter<String> counter = new ModeCounter<>(maxDistinct);
          textCounts.set(i, counter);
          restore(node.get("counts").get(i), columnErrors, counter, text -> text);
          counter.restored(summarized);
          for (Map.Entry<String, Long> entry : counter.counts().entrySet()) {
            long count = entry.getValue();
            String value = entry.getKey();
            if (count > modeCount[i]
                || (count == modeCount[i] && value.compareTo(modeText[i]) < 0)) {
              modeCount[i] = count;
              modeText[i] = value;
            }
          }
        }
      }
    }
  }

  private static <T extends Comparable<T>> void restore(
      JsonNode counts, JsonNode errors, ModeCounter<T> counter, Function<String, T> parse) {
    counts
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode error = errors == null ? null : errors.get(entry.getKey());
              counter.restore(
                  parse.apply(entry.getKey()),
                  entry.getValue().asLong(),
                  error == null ? 0 : error.asLong());
            });
  }
}
