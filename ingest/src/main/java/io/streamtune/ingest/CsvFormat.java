package io.streamtune.ingest;

import java.util.Set;
import org.apache.commons.csv.CSVFormat;

/**
 * How CSV files are read: a header row, RFC 4180 quoting, and the tokens that mean "missing".
 *
 * @param missingTokens cell values read as missing (compared after trimming)
 */
public record CsvFormat(Set<String> missingTokens) {

  public static final Set<String> DEFAULT_MISSING_TOKENS = Set.of("", "NA");

  public static CsvFormat defaults() {
    return new CsvFormat(DEFAULT_MISSING_TOKENS);
  }

  boolean isMissing(String cell) {
    return cell == null || missingTokens.contains(cell.trim());
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
