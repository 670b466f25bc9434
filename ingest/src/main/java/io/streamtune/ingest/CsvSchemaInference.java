package io.streamtune.ingest;

import io.streamtune.spec.PipelineSpec.ColumnType;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Infers a {@link CsvSchema} from a CSV file in one pass: a column whose every non-missing cell
 * parses as a finite number is numeric, any other is categorical. Declared types win over
 * inference.
 */
public final class CsvSchemaInference {

  /** A categorical column with more distinct values than this is not one-hot encoded. */
  public static final int DEFAULT_MAX_CATEGORIES = 64;

  /** A label with more classes than this is not a classification target. */
  public static final int MAX_LABEL_CLASSES = 50;

  private final CsvFormat format;
  private final int maxCategories;

  public CsvSchemaInference(CsvFormat format, int maxCategories) {
    this.format = format;
    this.maxCategories = maxCategories;
  }

  public static CsvSchemaInference withDefaults() {
    return new CsvSchemaInference(CsvFormat.defaults(), DEFAULT_MAX_CATEGORIES);
  }

  public CsvSchema infer(
      Reader csv, String labelColumn, String idColumn, Map<String, ColumnType> declared) {
    try (CSVParser parser = format.commonsFormat().parse(csv)) {
      List<String> header = parser.getHeaderNames();
      if (!header.contains(labelColumn)) {
        throw new IngestException(
            "label column '" + labelColumn + "' is not in the CSV header " + header);
      }
      if (idColumn != null && !header.contains(idColumn)) {
        throw new IngestException(
            "id column '" + idColumn + "' is not in the CSV header " + header);
      }
      for (String column : declared.keySet()) {
        if (!header.contains(column)) {
          throw new IngestException(
              "declared column '" + column + "' is not in the CSV header " + header);
        }
      }
      Map<String, ColumnStats> stats = new LinkedHashMap<>();
      header.forEach(column -> stats.put(column, new ColumnStats()));
      long rows = 0;
      for (CSVRecord record : parser) {
        rows++;
        for (String column : header) {
          String cell = record.isSet(column) ? record.get(column) : null;
          stats.get(column).add(format.isMissing(cell) ? null : cell.trim());
        }
      }
      return toSchema(header, stats, labelColumn, idColumn, declared, rows);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CSV: " + e.getMessage(), e);
    }
  }

  private CsvSchema toSchema(
      List<String> header,
      Map<String, ColumnStats> stats,
      String labelColumn,
      String idColumn,
      Map<String, ColumnType> declared,
      long rows) {
    List<String> classes = stats.get(labelColumn).valuesByFrequency();
    if (classes.size() < 2) {
      throw new IngestException(
          "label column '"
              + labelColumn
              + "' has "
              + classes.size()
              + " distinct value(s); need 2+");
    }
    if (classes.size() > MAX_LABEL_CLASSES) {
      throw new IngestException(
          "label column '"
              + labelColumn
              + "' has "
              + classes.size()
              + " distinct values; a classification label has at most "
              + MAX_LABEL_CLASSES);
    }
    Map<String, CsvSchema.Column> columns = new LinkedHashMap<>();
    Map<String, String> dropped = new LinkedHashMap<>();
    for (String column : header) {
      if (column.equals(labelColumn) || column.equals(idColumn)) {
        continue;
      }
      ColumnStats s = stats.get(column);
      if (s.nonMissing == 0) {
        dropped.put(column, "every value is missing");
        continue;
      }
      ColumnType type =
          declared.getOrDefault(column, s.allNumeric ? ColumnType.NUMERIC : ColumnType.CATEGORICAL);
      if (type == ColumnType.NUMERIC) {
        columns.put(column, new CsvSchema.Column(type, List.of(), s.missing));
      } else if (s.counts.size() > maxCategories) {
        dropped.put(
            column,
            s.counts.size()
                + " distinct values (more than "
                + maxCategories
                + "): looks like an id");
      } else {
        columns.put(column, new CsvSchema.Column(type, s.valuesByFrequency(), s.missing));
      }
    }
    return new CsvSchema(columns, labelColumn, classes, dropped, rows);
  }

  static boolean isFiniteNumber(String cell) {
    try {
      return Double.isFinite(Double.parseDouble(cell));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private final class ColumnStats {
    private final Map<String, Long> counts = new HashMap<>();
    private final List<String> firstSeen = new ArrayList<>();
    private boolean allNumeric = true;
    private long nonMissing;
    private long missing;

    void add(String cell) {
      if (cell == null) {
        missing++;
        return;
      }
      nonMissing++;
      allNumeric &= isFiniteNumber(cell);
      // Past the category limit only the count of distinct values matters; stop growing the map.
      if (counts.size() <= maxCategories || counts.containsKey(cell)) {
        if (counts.merge(cell, 1L, Long::sum) == 1L) {
          firstSeen.add(cell);
        }
      }
    }

    /** Most frequent first; ties in order of first appearance, so the result is deterministic. */
    List<String> valuesByFrequency() {
      List<String> values = new ArrayList<>(firstSeen);
      values.sort(Comparator.comparingLong((String v) -> -counts.get(v)));
      return values;
    }
  }
}
