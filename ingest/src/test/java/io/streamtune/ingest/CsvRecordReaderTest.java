package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.spec.PipelineSpec.ColumnType;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static List<RawRecord> read(
      String csv, Map<String, ColumnType> declared, String idColumn) {
    CsvSchema schema =
        CsvSchemaInference.withDefaults().infer(new StringReader(csv), "y", idColumn, declared);
    List<RawRecord> records = new ArrayList<>();
    try (CsvRecordReader reader =
        new CsvRecordReader(
            new StringReader(csv), CsvFormat.defaults(), schema, "t.csv", idColumn, CLOCK)) {
      reader.forEachRemaining(records::add);
    }
    return records;
  }

  private static Map<String, Object> values(RawRecord record) {
    return ((TabularPayload) record.getPayload()).getValues();
  }

  @Test
  void rowsBecomeTypedTabularRecordsWithStableIds() {
    List<RawRecord> records = read("y,n,c\na,1.5,x\nb,NA,\n", Map.of(), null);

    assertThat(records).hasSize(2);
    RawRecord first = records.get(0);
    assertThat(first.getId()).isEqualTo("t.csv-1");
    assertThat(first.getSource()).isEqualTo("t.csv:2");
    assertThat(first.getLabel()).isEqualTo("a");
    assertThat(first.getEventTime()).isEqualTo(CLOCK.instant());
    assertThat(values(first)).containsEntry("n", 1.5).containsEntry("c", "x");
    assertThat(values(records.get(1))).containsEntry("n", null).containsEntry("c", null);
  }

  @Test
  void unparseableNumberInADeclaredNumericColumnIsKeptAsTheOriginalString() {
    List<RawRecord> records = read("y,n\na,1\nb,abc\n", Map.of("n", ColumnType.NUMERIC), null);

    assertThat(values(records.get(1))).containsEntry("n", "abc");
  }

  @Test
  void missingLabelIsNullSoPreprocessingCanRejectIt() {
    List<RawRecord> records = read("y,n\na,1\nb,2\nNA,3\n", Map.of(), null);

    assertThat(records.get(2).getLabel()).isNull();
  }

  @Test
  void idColumnGivesTheRecordIdAndIsNotAFeature() {
    List<RawRecord> records = read("id,y,n\nk1,a,1\nk2,b,2\n", Map.of(), "id");

    assertThat(records).extracting(RawRecord::getId).containsExactly("k1", "k2");
    assertThat(values(records.get(0))).containsOnlyKeys("n");
  }
}
