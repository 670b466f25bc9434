package io.streamtune.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

/**
 * How CSV files are read: a header row, RFC 4180 quoting, and the tokens that mean "missing".
 *
 * @param missingTokens cell values read as missing (compared after trimming)
 */
public record CsvFormat(Set<String> missingTokens) {

  /**
   * The common spellings of "no value": a cell holding one is missing (then imputed), never a
   * category or a bad number.
   */
  public static final Set<String> DEFAULT_MISSING_TOKENS =
      Set.of(
          "", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "null", "NULL", "Null", "None", "?",
          "-");

  public static CsvFormat defaults() {
    return new CsvFormat(DEFAULT_MISSING_TOKENS);
  }

  public boolean isMissing(String cell) {
    return cell == null || missingTokens.contains(cell.trim());
  }

  /** Opens a CSV for reading row by row; the header row names the columns. */
  CSVParser open(Reader csv, String sourceName) {
    try {
      return commonsFormat().parse(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CSV " + sourceName + ": " + e.getMessage(), e);
    }
  }

  static void close(CSVParser parser) {
    try {
      parser.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CSVFormat commonsFormat() {
    return CSVFormat.RFC4180
        .builder()
        .setHeader()
        .setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true)
        .setTrim(true)
        .setAllowMissingColumnNames(false)
        .get();
  }
}
