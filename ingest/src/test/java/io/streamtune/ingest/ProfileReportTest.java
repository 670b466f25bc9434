package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileReportTest {

  @Test
  void reportNamesIdsLeaksBadCellsAndLabelBalanceInEveryFormat(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("row,outcome,copy,grade,glucose\n");
    for (int i = 0; i < 200; i++) {
      String y = i % 4 == 0 ? "sick" : "well";
      String glucose = i == 50 ? "1e400" : i == 60 ? "-inf" : i == 70 ? "NA" : "" + (80 + i % 37);
      csv.append(i + 1).append(',').append(y).append(',').append(y).append(',');
      csv.append(y.equals("sick") ? "A" : i % 2 == 0 ? "B" : "C").append(',').append(glucose);
      csv.append('\n');
    }
    Path file = dir.resolve("visits.csv");
    Files.writeString(file, csv);

    ProfileReport.Facts facts =
        ProfileReport.of(file, "outcome", CsvSchemaInference.Settings.defaults());
    String text = ProfileReport.text(facts);

    assertThat(ProfileReport.findings(facts))
        .contains(
            "visits.csv: 200 rows, 5 columns; 0 exact duplicate rows; 0 short rows, 0 with extra"
                + " cells",
            "label outcome: well 150 (75.0%), sick 50 (25.0%); 0 missing",
            "suspected id: row (an id: unique whole numbers, increasing row by row)",
            "suspected leak: copy (equal to the label in every row)",
            "suspected leak: grade (each of its 3 values goes with a single label)");
    assertThat(text).contains("glucose").contains("2 e.g. '1e400', '-inf'").contains("1 (0.5%)");
    List<Path> written = ProfileReport.write(facts, dir.resolve("report"));
    String md = Files.readString(written.get(0));
    String html = Files.readString(written.get(1));
    assertThat(md).contains("| ![glucose](hist-5.svg) | glucose | numeric |");
    assertThat(Files.readString(dir.resolve("report").resolve("hist-5.svg")))
        .startsWith("<svg")
        .contains("<rect");
    assertThat(html).contains("<td><svg").contains("suspected leak: copy");
  }
}
