package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec.ColumnType;
import java.util.List;
import java.util.Map;

/**
 * What a CSV file holds, as inferred or declared: each feature column's type (and categories), the
 * label column with its classes, and the columns left out because they cannot be features.
 *
 * @param columns feature columns in file order
 * @param droppedColumns column name to the reason it is not a feature (e.g. an id-like column)
 */
public record CsvSchema(
    Map<String, Column> columns,
    String labelColumn,
    List<String> labelClasses,
    Map<String, String> droppedColumns,
    long rows) {

  /**
   * @param categories distinct values of a categorical column, most frequent first
   */
  public record Column(ColumnType type, List<String> categories, long missing) {}

  public ColumnType typeOf(String column) {
    Column c = columns.get(column);
    return c == null ? null : c.type();
  }
}
