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
 * @param excludedLabels label values seen but too rare to be classes (their rows are dead letters)
 * @param evidence column name (label and dropped columns included) to the facts its type was
 *     decided on; empty when the schema was declared, not inferred
 * @param profile the pass over the file the schema was inferred from; null when declared
 */
public record CsvSchema(
    Map<String, Column> columns,
    String labelColumn,
    List<String> labelClasses,
    Map<String, String> droppedColumns,
    long rows,
    List<String> excludedLabels,
    Map<String, String> evidence,
    CsvProfile profile) {

  public CsvSchema(
      Map<String, Column> columns,
      String labelColumn,
      List<String> labelClasses,
      Map<String, String> droppedColumns,
      long rows) {
    this(columns, labelColumn, labelClasses, droppedColumns, rows, List.of(), Map.of(), null);
  }

  /**
   * @param categories distinct values of a categorical column, most frequent first
   */
  public record Column(ColumnType type, List<String> categories, long missing) {}

  public ColumnType typeOf(String column) {
    Column c = columns.get(column);
    return c == null ? null : c.type();
  }
}
