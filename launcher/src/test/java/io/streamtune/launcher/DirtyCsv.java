package io.streamtune.launcher;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.spec.PipelineSpec;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A dirty copy of a clean CSV, as a new user's file looks (issue 21): a share of the rows get one
 * bad cell each, in turn of every kind — a word, "NaN" and "N/A", "1e400", "-inf", a
 * 200,000-character cell in a numeric column, "?" in a categorical one, an empty label, a rare
 * unknown label, a short row and a row with an extra cell. The same rows in the same order, so
 * record ids ({@code <file stem>-<row>}) match the clean file's when the copy has the same name.
 */
final class DirtyCsv {

  enum Kind {
    WORD,
    NAN_SPELLING,
    HUGE_EXPONENT,
    MINUS_INF,
    EMPTY_LABEL,
    RARE_LABEL,
    SHORT_ROW,
    EXTRA_CELL,
    LONG_CELL,
    QUESTION_MARK,
    NA_SPELLING
  }

  /**
   * What was injected.
   *
   * @param badCells numeric column to the cells made non-numbers (word, 1e400, -inf, long cell)
   * @param kinds how many rows got each kind
   */
  record Injected(Map<String, Long> badCells, Map<Kind, Integer> kinds, int rows) {
    int count(Kind kind) {
      return kinds.getOrDefault(kind, 0);
    }
  }

  private DirtyCsv() {}

  /**
   * @param share of the rows that get one bad cell (the file: 60 of 768, about 8%)
   */
  static Injected write(Path clean, String label, Path out, double share, long seed)
      throws IOException {
    PipelineSpec spec = CsvDataset.infer(clean, label, null).spec();
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    spec.columns()
        .forEach(
            (name, column) ->
                (column.type() == PipelineSpec.ColumnType.NUMERIC ? numeric : categorical)
                    .add(name));
    Random random = new Random(seed);
    Map<String, Long> badCells = new LinkedHashMap<>();
    Map<Kind, Integer> kinds = new LinkedHashMap<>();
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    int rows = 0;
    int dirty = 0;
    try (Reader reader = CsvDataset.reader(clean);
        CSVParser parser = format.parse(reader);
        Writer writer = Files.newBufferedWriter(out);
        CSVPrinter printer = CSVFormat.RFC4180.print(writer)) {
      List<String> header = parser.getHeaderNames();
      printer.printRecord(header);
      for (CSVRecord record : parser) {
        rows++;
        List<String> cells = new ArrayList<>(record.toList());
        if (random.nextDouble() < share) {
          Kind kind = Kind.values()[dirty++ % Kind.values().length];
          kinds.merge(kind, 1, Integer::sum);
          String column = numeric.get(random.nextInt(numeric.size()));
          int at = header.indexOf(column);
          switch (kind) {
            case WORD -> bad(cells, at, "high", badCells, column);
            case HUGE_EXPONENT -> bad(cells, at, "1e400", badCells, column);
            case MINUS_INF -> bad(cells, at, "-inf", badCells, column);
            case LONG_CELL -> bad(cells, at, "9".repeat(200_000), badCells, column);
            case NAN_SPELLING -> cells.set(at, "NaN");
            case NA_SPELLING -> cells.set(at, "N/A");
            case QUESTION_MARK ->
                cells.set(header.indexOf(categorical.get(random.nextInt(categorical.size()))), "?");
            case EMPTY_LABEL -> cells.set(header.indexOf(label), "");
            case RARE_LABEL -> cells.set(header.indexOf(label), "typo" + (dirty % 5));
            case SHORT_ROW -> cells.remove(cells.size() - 1);
            case EXTRA_CELL -> cells.add("extra");
          }
        }
        printer.printRecord(cells);
      }
    }
    return new Injected(badCells, kinds, rows);
  }

  private static void bad(
      List<String> cells, int at, String value, Map<String, Long> badCells, String column) {
    cells.set(at, value);
    badCells.merge(column, 1L, Long::sum);
  }
}
