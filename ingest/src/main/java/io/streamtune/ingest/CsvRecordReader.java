package io.streamtune.ingest;

import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.deadletter.DeadLetterRecords;
import io.streamtune.spec.PipelineSpec.ColumnType;
import java.io.Reader;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Turns CSV rows into RawRecords. Numeric cells become doubles; a cell that does not parse in a
 * numeric column is kept as its original string so preprocessing can dead-letter the row with a
 * reason instead of losing it here. Cells beyond the header become columns {@code _extra_N}; a row
 * with fewer or more cells than the header carries the attribute {@link
 * DeadLetterRecords#MALFORMED_ATTRIBUTE}, so preprocessing dead-letters it with the counts.
 */
public final class CsvRecordReader implements Iterator<RawRecord>, AutoCloseable {

  private final CSVParser parser;
  private final Iterator<CSVRecord> rows;
  private final CsvFormat format;
  private final CsvSchema schema;
  private final String sourceName;
  private final String idColumn;
  private final Clock clock;
  private final List<String> header;

  public CsvRecordReader(
      Reader csv,
      CsvFormat format,
      CsvSchema schema,
      String sourceName,
      String idColumn,
      Clock clock) {
    this.parser = format.open(csv, sourceName);
    this.rows = parser.iterator();
    this.header = parser.getHeaderNames();
    this.format = format;
    this.schema = schema;
    this.sourceName = sourceName;
    this.idColumn = idColumn;
    this.clock = clock;
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public RawRecord next() {
    if (!rows.hasNext()) {
      throw new NoSuchElementException();
    }
    CSVRecord row = rows.next();
    Map<String, Object> values = new HashMap<>();
    String label = null;
    String id = null;
    for (int i = 0; i < row.size(); i++) {
      String column = i < header.size() ? header.get(i) : "_extra_" + (i - header.size() + 1);
      String cell = row.get(i);
      String value = format.isMissing(cell) ? null : cell.trim();
      if (column.equals(schema.labelColumn())) {
        label = value;
      } else if (column.equals(idColumn)) {
        id = value;
      } else if (!schema.droppedColumns().containsKey(column)) {
        values.put(column, typed(column, value));
      }
    }
    long line = row.getRecordNumber() + 1; // +1 for the header line
    Map<String, String> attributes =
        row.size() == header.size()
            ? Map.of()
            : Map.of(
                DeadLetterRecords.MALFORMED_ATTRIBUTE,
                "CSV row with " + row.size() + " cells, the header has " + header.size());
    return RawRecord.newBuilder()
        .setId(id != null ? id : sourceName + "-" + row.getRecordNumber())
        .setEventTime(clock.instant())
        .setSource(sourceName + ":" + line)
        .setLabel(label)
        .setPayload(TabularPayload.newBuilder().setValues(values).build())
        .setAttributes(attributes)
        .build();
  }

  private Object typed(String column, String value) {
    if (value == null) {
      return null;
    }
    if (schema.typeOf(column) == ColumnType.NUMERIC) {
      try {
        return Double.parseDouble(value);
      } catch (NumberFormatException e) {
        return value;
      }
    }
    return value;
  }

  @Override
  public void close() {
    CsvFormat.close(parser);
  }
}
