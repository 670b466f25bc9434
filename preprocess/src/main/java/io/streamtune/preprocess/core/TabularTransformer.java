package io.streamtune.preprocess.core;

import io.streamtune.schemas.spec.PipelineSpec;
import io.streamtune.schemas.spec.PipelineSpec.ColumnType;
import io.streamtune.schemas.spec.PipelineSpec.Scaling;

/**
 * Turns a validated row into its feature vector, in the order of {@code spec.featureNames()}, with
 * the statistics fitted so far.
 *
 * <p>Numeric: a missing value becomes the column mean (0 before any value was seen), then with
 * standard scaling {@code (x - mean) / std}, where a zero or undefined std counts as 1.
 * Categorical: a missing value becomes the column's mode (the first spec category before any value
 * was seen), then one-hot over the spec's categories, plus the unseen slot when the spec has one.
 */
public final class TabularTransformer {

  /** Below this a column is treated as constant: dividing by it would only amplify noise. */
  private static final double MIN_STD = 1e-12;

  private final TabularLayout layout;
  private final boolean standardize;

  public TabularTransformer(PipelineSpec spec) {
    this.layout = TabularLayout.of(spec);
    this.standardize = spec.preprocess().scaling() == Scaling.STANDARD;
  }

  public TabularLayout layout() {
    return layout;
  }

  public float[] transform(ValidatedRow row, TabularStatistics statistics) {
    float[] features = new float[layout.featureCount()];
    int at = 0;
    for (TabularLayout.Column column : layout.columns()) {
      if (column.type() == ColumnType.NUMERIC) {
        features[at++] = (float) numeric(row, statistics, column.index());
      } else {
        int slots = column.categories().size() + (layout.unseenBucket() ? 1 : 0);
        features[at + categorySlot(row, statistics, column)] = 1f;
        at += slots;
      }
    }
    return features;
  }

  private double numeric(ValidatedRow row, TabularStatistics statistics, int index) {
    double mean = statistics.mean(index);
    double x = row.isMissingNumeric(index) ? mean : row.numericValues()[index];
    if (!standardize) {
      return x;
    }
    double std = statistics.std(index);
    return (x - mean) / (std > MIN_STD ? std : 1.0);
  }

  private int categorySlot(
      ValidatedRow row, TabularStatistics statistics, TabularLayout.Column column) {
    String value = row.categoricalValues()[column.index()];
    if (value == null) {
      return statistics.modeIndex(column.index());
    }
    int category = layout.categoryIndex(column.index(), value);
    if (category >= 0) {
      return category;
    }
    if (!layout.unseenBucket()) {
      // the validator rejects such rows; reaching here means a row skipped validation
      throw new IllegalArgumentException(
          "column '" + column.name() + "': category '" + value + "' is not in the spec");
    }
    return column.categories().size();
  }
}
