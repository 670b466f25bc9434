package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.ingest.CsvDataset;
import io.streamtune.ingest.CsvRecordReader;
import io.streamtune.preprocess.PreprocessBatch;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five copies of credit_data.csv in one file (issue 21): infer-spec sees the duplicates and splits
 * by content, so no row's content is on both sides; split by id, most rows' copies straddle the
 * split and the holdout scores rows the model trained on.
 */
class DuplicateSplitTest {

  private static final Path CREDIT = Path.of("..", "data", "credit_data.csv");

  @Test
  void splitByContentKeepsEveryCopyOfARowOnOneSideWhereSplitByIdDoesNot(@TempDir Path dir)
      throws Exception {
    List<String> lines = Files.readAllLines(CREDIT);
    List<String> rows = lines.subList(1, lines.size());
    Path five = dir.resolve("credit5.csv");
    StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
    for (int copy = 0; copy < 5; copy++) {
      rows.forEach(row -> csv.append(row).append('\n'));
    }
    Files.writeString(five, csv);

    CsvDataset inferred = CsvDataset.infer(five, "Status", null);
    assertThat(inferred.schema().profile().duplicateRows()).isEqualTo(4L * rows.size() + 2);
    PipelineSpec byContent = inferred.spec();
    assertThat(byContent.split().key()).isEqualTo("content");
    PipelineSpec byId =
        PipelineSpecs.parse(
            PipelineSpecs.toYaml(byContent).replace("key: content", "key: id"), "by id");

    Map<String, Set<Split>> sidesByContent = sides(five, byContent, rows);
    Map<String, Set<Split>> sidesById = sides(five, byId, rows);

    assertThat(sidesByContent).hasSize(rows.size() - 2); // two rows of the file are copies already
    assertThat(sidesByContent.values()).allMatch(sides -> sides.size() == 1);
    long holdout = sidesByContent.values().stream().filter(s -> s.contains(Split.HOLDOUT)).count();
    assertThat((double) holdout / sidesByContent.size()).isBetween(0.17, 0.23);
    long straddling = sidesById.values().stream().filter(s -> s.size() == 2).count();
    // five copies each at 20% holdout: 1 - 0.8^5 - 0.2^5 = 67% of the rows straddle
    assertThat((double) straddling / sidesById.size()).isBetween(0.6, 0.74);
  }

  @Test
  void splitByAGroupColumnThatIsNoFeatureKeepsEachGroupOnOneSide(@TempDir Path dir)
      throws Exception {
    List<String> lines = Files.readAllLines(CREDIT);
    StringBuilder csv = new StringBuilder("customer,").append(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      csv.append("c").append(i / 4).append(',').append(lines.get(i)).append('\n');
    }
    Path file = dir.resolve("customers.csv");
    Files.writeString(file, csv);
    PipelineSpec spec =
        PipelineSpecs.parse(
            Files.readString(Path.of("..", "pipelines", "credit.yaml"))
                .replace("  key: id ", "  key: column customer "),
            "by customer");

    PreprocessBatch.TabularResult result;
    try (CsvRecordReader records = CsvDataset.withSpec(file, spec, null).open(Clock.systemUTC())) {
      result = PreprocessBatch.tabular(spec, records, PreprocessBatch.FitOn.TRAIN);
    }

    // the group column is read for the split, not rejected as an unknown column
    assertThat(result.rejected()).isEmpty();
    Map<Long, Set<Split>> sidesByCustomer = new HashMap<>();
    for (Example example : result.examples()) {
      long record = Long.parseLong(example.getId().substring("customers-".length()));
      sidesByCustomer
          .computeIfAbsent(record / 4, c -> EnumSet.noneOf(Split.class))
          .add(example.getSplit());
    }
    assertThat(sidesByCustomer).hasSize((lines.size() - 1) / 4 + 1);
    assertThat(sidesByCustomer.values()).allMatch(sides -> sides.size() == 1);
    long holdout = sidesByCustomer.values().stream().filter(s -> s.contains(Split.HOLDOUT)).count();
    assertThat((double) holdout / sidesByCustomer.size()).isBetween(0.16, 0.24);
  }

  /** Row content to the splits its copies landed on. */
  private static Map<String, Set<Split>> sides(Path file, PipelineSpec spec, List<String> rows)
      throws Exception {
    PreprocessBatch.TabularResult result;
    try (CsvRecordReader records = CsvDataset.withSpec(file, spec, null).open(Clock.systemUTC())) {
      result = PreprocessBatch.tabular(spec, records, PreprocessBatch.FitOn.TRAIN);
    }
    assertThat(result.rejected()).isEmpty();
    Map<String, Set<Split>> sides = new HashMap<>();
    for (Example example : result.examples()) {
      // ids are credit5-<record number, from 1>; copy k of row r is record k * rows + r + 1
      long record = Long.parseLong(example.getId().substring("credit5-".length()));
      String content = rows.get((int) ((record - 1) % rows.size()));
      sides.computeIfAbsent(content, c -> EnumSet.noneOf(Split.class)).add(example.getSplit());
    }
    return sides;
  }
}
