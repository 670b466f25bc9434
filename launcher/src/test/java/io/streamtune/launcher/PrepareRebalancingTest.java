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

/** {@code prepare} with a sampling section: rebalanced train rows, synthetic parents, removals. */
class PrepareRebalancingTest {

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
  void trainRowsAreRebalancedAndSyntheticRowsNameTheirParents(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("credit-smote.yaml");
    Files.writeString(
        spec,
        Files.readString(EndToEndScenario.CREDIT_SPEC)
            .replaceFirst("(?m)^  method: none", "  method: smote_tomek"));
    Path csv = dir.resolve("credit.csv");
    Files.writeString(
        csv, Files.readString(EndToEndScenario.CREDIT_CSV) + EndToEndScenario.BAD_ROWS);
    Path out = dir.resolve("prepared.csv");
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
                "--fit-on",
                "train",
                "--removed",
                removed.toString(),
                "--rejected",
                rejected.toString());

    assertThat(code).isZero();
    List<CSVRecord> rows = read(out);
    List<CSVRecord> train = rows.stream().filter(r -> r.get("split").equals("train")).toList();
    List<CSVRecord> holdout = rows.stream().filter(r -> r.get("split").equals("holdout")).toList();
    assertThat(holdout).allSatisfy(r -> assertThat(r.get("synthetic")).isEqualTo("false"));
    Map<String, Long> counts =
        train.stream().collect(Collectors.groupingBy(r -> r.get("label"), Collectors.counting()));
    // SMOTE balances the classes; Tomek then removes linked pairs from both
    assertThat((double) counts.get("bad") / counts.get("good")).isBetween(0.9, 1.1);
    List<CSVRecord> synthetic =
        train.stream().filter(r -> r.get("synthetic").equals("true")).toList();
    assertThat(synthetic)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("parent_ids")).isNotBlank());
    List<CSVRecord> gone = read(removed);
    assertThat(gone)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("reason")).isEqualTo("tomek_link"));
    long originalsRemoved = gone.stream().filter(r -> r.get("synthetic").equals("false")).count();
    List<CSVRecord> bad = read(rejected);
    assertThat(bad).hasSize(3);
    // every input row is accounted for: kept original train + removed + holdout + rejected
    assertThat(train.size() - synthetic.size() + originalsRemoved + holdout.size() + bad.size())
        .isEqualTo(EndToEndScenario.CREDIT_ROWS + 3);
  }
}
