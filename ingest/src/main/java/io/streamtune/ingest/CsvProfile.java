package io.streamtune.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One pass over a CSV file: a {@link ColumnProfile} per header column, the rows whose length does
 * not match the header, and the exact duplicate rows (same cells in every column but the id
 * column).
 *
 * @param columns in header order
 * @param shortRows rows with fewer cells than the header (the missing cells count as missing)
 * @param longRows rows with more cells than the header (the extra cells are not profiled)
 * @param duplicateRows rows whose content equals an earlier row's (copies beyond the first)
 */
public record CsvProfile(
    Map<String, ColumnProfile> columns,
    long rows,
    long shortRows,
    long longRows,
    long duplicateRows) {

  public ColumnProfile column(String name) {
    return columns.get(name);
  }

  public List<String> header() {
    return List.copyOf(columns.keySet());
  }

  /** Reads the whole CSV; {@code idColumn} (may be null) is left out of the duplicate check. */
  public static CsvProfile read(Reader csv, CsvFormat format, String idColumn) {
    try (CSVParser parser = format.commonsFormat().parse(csv)) {
      List<String> header = parser.getHeaderNames();
      Map<String, ColumnProfile> columns = new LinkedHashMap<>();
      header.forEach(column -> columns.put(column, new ColumnProfile(column)));
      ColumnProfile[] byIndex = columns.values().toArray(ColumnProfile[]::new);
      int idIndex = idColumn == null ? -1 : header.indexOf(idColumn);
      Set<ContentHash> seen = new HashSet<>();
      MessageDigest digest = sha256();
      long rows = 0;
      long shortRows = 0;
      long longRows = 0;
      long duplicates = 0;
      for (CSVRecord record : parser) {
        rows++;
        shortRows += record.size() < header.size() ? 1 : 0;
        longRows += record.size() > header.size() ? 1 : 0;
        for (int i = 0; i < byIndex.length; i++) {
          String cell = i < record.size() ? record.get(i) : null;
          byIndex[i].add(format.isMissing(cell) ? null : cell.trim());
          if (i != idIndex) {
            digest.update((cell == null ? "\u0000" : cell.trim()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0x1f);
          }
        }
        if (!seen.add(new ContentHash(digest.digest()))) {
          duplicates++;
        }
      }
      return new CsvProfile(columns, rows, shortRows, longRows, duplicates);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CSV: " + e.getMessage(), e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** The first 16 bytes of a row's SHA-256: collisions are out of reach at any file size. */
  private record ContentHash(long high, long low) {
    ContentHash(byte[] sha) {
      this(java.nio.ByteBuffer.wrap(sha).getLong(0), java.nio.ByteBuffer.wrap(sha).getLong(8));
    }
  }
}
