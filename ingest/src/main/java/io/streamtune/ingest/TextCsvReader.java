package io.streamtune.ingest;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TextPayload;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file with a text column and a label column (e.g. product reviews) into text
 * RawRecords. A row without text is rejected with a reason; a missing label is passed on as null so
 * preprocessing dead-letters it like any other unlabeled record.
 */
public final class TextCsvReader implements Iterator<Outcome<RawRecord>>, AutoCloseable {

  private final CSVParser parser;
  private final Iterator<CSVRecord> rows;
  private final CsvFormat format;
  private final String textColumn;
  private final String labelColumn;
  private final String idColumn;
  private final String sourceName;
  private final Clock clock;

  public TextCsvReader(
      Reader csv,
      CsvFormat format,
      String textColumn,
      String labelColumn,
      String idColumn,
      String sourceName,
      Clock clock) {
    this.parser = format.open(csv, sourceName);
    for (String column : new String[] {textColumn, labelColumn, idColumn}) {
      if (column != null && !parser.getHeaderNames().contains(column)) {
        throw new IngestException(
            "column '" + column + "' is not in the CSV header " + parser.getHeaderNames());
      }
    }
    this.rows = parser.iterator();
    this.format = format;
    this.textColumn = textColumn;
    this.labelColumn = labelColumn;
    this.idColumn = idColumn;
    this.sourceName = sourceName;
    this.clock = clock;
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public Outcome<RawRecord> next() {
    if (!rows.hasNext()) {
      throw new NoSuchElementException();
    }
    CSVRecord row = rows.next();
    long line = row.getRecordNumber() + 1;
    String text = cell(row, textColumn);
    if (text == null) {
      byte[] original = String.join(",", row.values()).getBytes(StandardCharsets.UTF_8);
      return IngestOutcomes.rejected(
          sourceName + ":" + line, original, "no text in column '" + textColumn + "'");
    }
    String id = idColumn == null ? null : cell(row, idColumn);
    RawRecord record =
        RawRecord.newBuilder()
            .setId(id != null ? id : sourceName + "-" + row.getRecordNumber())
            .setEventTime(clock.instant())
            .setSource(sourceName + ":" + line)
            .setLabel(cell(row, labelColumn))
            .setPayload(TextPayload.newBuilder().setText(text).build())
            .setAttributes(Map.of())
            .build();
    return Outcome.accepted(record);
  }

  private String cell(CSVRecord row, String column) {
    if (!row.isSet(column)) {
      return null;
    }
    String value = row.get(column);
    return format.isMissing(value) ? null : value;
  }

  @Override
  public void close() {
    CsvFormat.close(parser);
  }
}
