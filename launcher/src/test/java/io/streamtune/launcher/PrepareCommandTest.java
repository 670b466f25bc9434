package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCommandTest {

  private static List<CSVRecord> read(Path csv) throws IOException {
    try (Reader reader = Files.newBufferedReader(csv)) {
      return CSVFormat.RFC4180
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .get()
          .parse(reader)
          .getRecords();
    }
  }

  @Test
  void creditDataIsPreparedAndRebalancedWithSyntheticRowsNamingTheirParents(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("credit-smote.yaml");
    Files.writeString(
        spec,
        Files.readString(EndToEndScenario.CREDIT_SPEC)
            .replaceFirst("(?m)^  method: none", "  method: smote_tomek"));
    Path csv = dir.resolve("credit.csv");
    Files.writeString(
        csv, Files.readString(EndToEndScenario.CREDIT_CSV) + EndToEndScenario.BAD_ROWS);
    Path out = dir.resolve("train.csv");
    Path holdout = dir.resolve("holdout.csv");
    Path removed = dir.resolve("removed.csv");
    Path rejected = dir.resolve("rejected.csv");

    int code =
        StreamtuneCli.commandLine()
            .execute(
                "prepare",
                "--pipeline",
                spec.toString(),
                "--input",
                csv.toString(),
                "--output",
                out.toString(),
                "--holdout",
                holdout.toString(),
                "--removed",
                removed.toString(),
                "--rejected",
                rejected.toString());

    assertThat(code).isZero();
    List<CSVRecord> train = read(out);
    List<CSVRecord> held = read(holdout);
    List<CSVRecord> gone = read(removed);
    List<CSVRecord> bad = read(rejected);
    assertThat(bad).hasSize(3);
    assertThat(bad.get(1).get("reason")).contains("missing label");
    // SMOTE balances the classes, Tomek then removes linked pairs from both
    Map<String, Long> counts =
        train.stream().collect(Collectors.groupingBy(r -> r.get("Status"), Collectors.counting()));
    assertThat((double) counts.get("bad") / counts.get("good")).isBetween(0.9, 1.1);
    List<CSVRecord> synthetic =
        train.stream().filter(r -> r.get("synthetic").equals("true")).toList();
    assertThat(synthetic)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("parent_ids")).isNotBlank());
    assertThat(gone)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("reason")).isEqualTo("tomek_link"));
    long originalTrain =
        train.size()
            - synthetic.size()
            + gone.stream().filter(r -> r.get("synthetic").equals("false")).count();
    assertThat(originalTrain + held.size() + bad.size())
        .isEqualTo(EndToEndScenario.CREDIT_ROWS + 3);
    assertThat(train.get(0).size()).isEqualTo(2 + 30 + 2);
  }
}
