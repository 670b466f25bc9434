package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import io.streamtune.spec.PipelineSpecs;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Type inference by majority with evidence, and the YAML infer-spec writes (issue 21). */
class InferenceEvidenceTest {

  private static final String HEADER =
      "row,customer_id,score,glucose,region_code,children,tier,visited,note,city,y\n";

  /** 400 rows: every kind of column the rules tell apart, with a few dirty cells. */
  private static String csv(int rows) {
    Random random = new Random(7);
    String[] missing = {"", "NA", "N/A", "null", "?", "-", "NaN"};
    String[] cities = {"Oslo", "Lyon", "Porto", "Graz"};
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < rows; i++) {
      String glucose = String.valueOf(70 + random.nextInt(120));
      if (i % 100 == 3) {
        glucose = "high"; // 1% words: still numeric
      } else if (i % 50 == 7) {
        glucose = missing[i % missing.length];
      }
      String label = i % 3 == 0 ? "yes" : "no";
      if (i == 11 || i == 12) {
        label = "maybe"; // rare: 2 of 400
      } else if (i == 13) {
        label = "NA"; // a missing label, not a class
      }
      csv.append(i + 1) // increasing unique integers: a row number
          .append(',')
          .append((i * 7919) % 100_003) // unique, in no order, named like an id
          .append(',')
          .append((i * 37) % 401) // unique, in no order, not named like an id: a number
          .append(',')
          .append(glucose)
          .append(',')
          .append(1 + random.nextInt(5)) // named like a code
          .append(',')
          .append(random.nextInt(4)) // few whole numbers, dense: a count
          .append(',')
          .append(new int[] {100, 200, 300, 900}[random.nextInt(4)]) // sparse codes
          .append(',')
          .append(String.format("2024-%02d-%02d", 1 + i % 12, 1 + i % 28))
          .append(",\"the customer said ")
          .append(i)
          .append(" things about the order\",")
          .append(cities[random.nextInt(cities.length)])
          .append(',')
          .append(label)
          .append('\n');
    }
    return csv.toString();
  }

  private static CsvSchema infer(String csv, boolean keepRare) {
    CsvSchemaInference.Settings settings =
        new CsvSchemaInference.Settings(0.98, 64, 10, 0.005, keepRare);
    return new CsvSchemaInference(CsvFormat.defaults(), settings)
        .infer(new StringReader(csv), "y", null, Map.of());
  }

  @Test
  void eachColumnIsTypedByItsEvidenceNotByItsDistinctCountAlone() {
    CsvSchema schema = infer(csv(400), false);

    assertThat(schema.columns().keySet())
        .containsExactly("score", "glucose", "region_code", "children", "tier", "city");
    assertThat(schema.typeOf("score")).isEqualTo(ColumnType.NUMERIC);
    assertThat(schema.typeOf("glucose")).isEqualTo(ColumnType.NUMERIC);
    assertThat(schema.typeOf("children")).isEqualTo(ColumnType.NUMERIC);
    assertThat(schema.typeOf("region_code")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(schema.typeOf("tier")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(schema.columns().get("tier").categories())
        .containsExactlyInAnyOrder("100", "200", "300", "900");
    assertThat(schema.typeOf("city")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(schema.droppedColumns()).containsOnlyKeys("row", "customer_id", "visited", "note");
    assertThat(schema.droppedColumns().get("row")).contains("increasing row by row");
    assertThat(schema.droppedColumns().get("customer_id")).contains("named like one");
    assertThat(schema.droppedColumns().get("visited")).contains("date/time");
    assertThat(schema.droppedColumns().get("note")).startsWith("free text");
  }

  @Test
  void evidenceGivesTheShareTheMissingSpellingsAndExamplesOfBadCells() {
    CsvSchema schema = infer(csv(400), false);

    // 8 cells of the 7 missing spellings, 4 words among 392 non-missing cells
    assertThat(schema.columns().get("glucose").missing()).isEqualTo(8);
    assertThat(schema.evidence().get("glucose"))
        .isEqualTo(
            "numeric: 99.0% numbers (>= 98.0%); 392 cells, "
                + schema.profile().column("glucose").distinct()
                + " distinct, 8 missing, 4 not numbers: 'high'; min "
                + ProfileReport.number(schema.profile().column("glucose").numericSummary().min())
                + ", median "
                + ProfileReport.number(schema.profile().column("glucose").numericSummary().median())
                + ", max "
                + ProfileReport.number(schema.profile().column("glucose").numericSummary().max())
                + ", 0 IQR outliers");
    assertThat(schema.evidence().get("row")).startsWith("400 cells, 400 distinct");
  }

  @Test
  void rareLabelsAreExcludedAndListedUnlessKeptAndAMissingLabelIsNoClass() {
    CsvSchema schema = infer(csv(400), false);

    assertThat(schema.labelClasses()).containsExactly("no", "yes");
    assertThat(schema.excludedLabels()).containsExactly("maybe");
    assertThat(schema.evidence().get("y"))
        .contains("1 missing (dead letters)")
        .contains("excluded as rare")
        .contains("'maybe' 2");
    PipelineSpec spec = SpecFromCsv.toSpec("t", schema);
    assertThat(spec.label().excluded()).containsExactly("maybe");

    assertThat(infer(csv(400), true).labelClasses()).containsExactly("no", "yes", "maybe");
  }

  @Test
  void theWrittenSpecReadsLikeAHandWrittenOneAndParsesBackToTheSameSpec(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("visits.csv");
    Files.writeString(file, csv(400));
    CsvDataset dataset = CsvDataset.infer(file, "y", null);

    String yaml = InferredSpecYaml.write("visits.csv", dataset);

    assertThat(PipelineSpecs.parse(yaml, "written")).isEqualTo(dataset.spec());
    assertThat(yaml)
        .contains("modality: tabular\n")
        .contains("  score: {type: numeric}\n")
        // whole-number codes are quoted: categories are strings
        .containsPattern("\n  tier: \\{type: categorical, categories: \\[(\"[1-9]00\"(, )?){4}]}\n")
        .containsPattern(
            "\n  region_code: \\{type: categorical, categories: \\[(\"[1-5]\"(, )?){5}]}\n")
        .contains("  # glucose: numeric: 99.0% numbers")
        .contains("  # not a feature: note (free text")
        .contains("  excluded: [maybe]")
        .contains("  badValues: missing")
        .contains("  unknownColumns: ignore")
        .doesNotContain("NUMERIC")
        .doesNotContain("categories: []")
        .doesNotContain("featureRange")
        .doesNotContain("maxHold");
    List<String> keys = yaml.lines().filter(l -> !l.startsWith(" ") && !l.startsWith("#")).toList();
    assertThat(keys)
        .containsExactly(
            "name: visits",
            "modality: tabular",
            "label:",
            "columns:                        # feature columns, in feature order",
            "split:",
            "preprocess:                     # docs/preprocessing.md lists every step and key");
  }
}
