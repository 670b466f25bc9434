package io.streamtune.preprocess.core;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature columns of a tabular spec, indexed the way rows and statistics store them: numeric
 * columns numbered among numerics, categorical columns among categoricals, both in spec order.
 */
public final class TabularLayout {

  /**
   * @param index position among the columns of the same type
   * @param categories the spec's categories (empty for numeric columns)
   */
  public record Column(String name, ColumnType type, int index, List<String> categories) {}

  private final List<Column> columns;
  private final List<Column> numericColumns;
  private final List<Column> categoricalColumns;
  private final CategoryIndex[] categoryIndexes;
  private final boolean[] acceptsUnseen;
  private final int featureCount;

  private TabularLayout(PipelineSpec spec) {
    List<Column> all = new ArrayList<>();
    List<Column> numerics = new ArrayList<>();
    List<Column> categoricals = new ArrayList<>();
    List<CategoryIndex> indexes = new ArrayList<>();
    spec.columns()
        .forEach(
            (name, columnSpec) -> {
              if (columnSpec.type() == ColumnType.NUMERIC) {
                Column column = new Column(name, ColumnType.NUMERIC, numerics.size(), List.of());
                numerics.add(column);
                all.add(column);
              } else {
                Column column =
                    new Column(
                        name, ColumnType.CATEGORICAL, categoricals.size(), columnSpec.categories());
                categoricals.add(column);
                indexes.add(new CategoryIndex(columnSpec.categories()));
                all.add(column);
              }
            });
    this.columns = List.copyOf(all);
    this.numericColumns = List.copyOf(numerics);
    this.categoricalColumns = List.copyOf(categoricals);
    this.categoryIndexes = indexes.toArray(CategoryIndex[]::new);
    this.acceptsUnseen = new boolean[categoricals.size()];
    java.util.Arrays.fill(acceptsUnseen, true);
    // a column one-hot encoded without an unseen slot takes only the spec's categories
    for (StepSpec step : spec.preprocess().steps()) {
      if (step instanceof StepSpec.OneHot oneHot && !oneHot.unseenBucket()) {
        for (Column column : categoricals) {
          if (oneHot.columns() == null || oneHot.columns().contains(column.name())) {
            acceptsUnseen[column.index()] = false;
          }
        }
      }
    }
    this.featureCount = spec.featureNames().size();
  }

  public static TabularLayout of(PipelineSpec spec) {
    return new TabularLayout(spec);
  }

  /** Every feature column in spec order. */
  public List<Column> columns() {
    return columns;
  }

  public List<Column> numericColumns() {
    return numericColumns;
  }

  public List<Column> categoricalColumns() {
    return categoricalColumns;
  }

  public int numericCount() {
    return numericColumns.size();
  }

  public int categoricalCount() {
    return categoricalColumns.size();
  }

  /** Position of a value among the spec's categories of a column, or -1 for an unseen value. */
  public int categoryIndex(int categoricalIndex, String value) {
    return categoryIndexes[categoricalIndex].indexOf(value);
  }

  /**
   * Whether a categorical column may hold a value outside the spec's categories: false when a
   * oneHot step without an unseen bucket encodes it.
   */
  public boolean acceptsUnseen(int categoricalIndex) {
    return acceptsUnseen[categoricalIndex];
  }

  /** Length of a feature vector; equals {@code spec.featureNames().size()}. */
  public int featureCount() {
    return featureCount;
  }
}
