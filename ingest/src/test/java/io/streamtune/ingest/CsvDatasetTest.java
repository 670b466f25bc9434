package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {

  /** A CSV whose second row holds bytes that are not UTF-8 (a Latin-1 'é' and a lone 0xFF). */
  private static Path csvWithInvalidUtf8(Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write("y,n,c\na,1.5,x\n".getBytes(StandardCharsets.UTF_8));
    out.write(new byte[] {'b', ',', '2', (byte) 0xFF, ',', 'c', 'a', 'f', (byte) 0xE9, '\n'});
    out.write("a,3,\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("latin.csv");
    Files.write(file, out.toByteArray());
    return file;
  }

  private static Map<String, Object> values(RawRecord record) {
    return ((TabularPayload) record.getPayload()).getValues();
  }

  @Test
  void invalidUtf8DoesNotEndTheIngestButReachesTheRowAsReplacementCharacters(@TempDir Path dir)
      throws Exception {
    // before: Files.newBufferedReader threw MalformedInputException from inference and reading
    CsvDataset dataset = CsvDataset.infer(csvWithInvalidUtf8(dir), "y", null);
    List<RawRecord> records = new ArrayList<>();
    try (CsvRecordReader reader = dataset.open(Clock.systemUTC())) {
      reader.forEachRemaining(records::add);
    }

    assertThat(records).hasSize(3);
    assertThat(values(records.get(0))).containsEntry("n", "1.5").containsEntry("c", "x");
    // the bad bytes become U+FFFD (inference then types 'n' categorical: its cells stay text)
    assertThat(values(records.get(1)))
        .containsEntry("n", "2\uFFFD")
        .containsEntry("c", "caf\uFFFD");
    // valid UTF-8 reads as before
    assertThat(values(records.get(2))).containsEntry("n", "3").containsEntry("c", "\u00e9t\u00e9");
    assertThat(dataset.countRows()).isEqualTo(3);
  }
}
