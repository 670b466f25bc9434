package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpec.ColumnType;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvSchemaInferenceTest {

  private static final Path CREDIT = Path.of("..", "data", "credit_data.csv");

  /** For files of a few rows: every label value is a class however rare. */
  private static final CsvSchemaInference SMALL =
      new CsvSchemaInference(
          CsvFormat.defaults(),
          new CsvSchemaInference.Settings(
              0.98, CsvSchemaInference.DEFAULT_MAX_CATEGORIES, 1, 0, false));

  @Test
  void creditDataColumnsAreTypedAndMissingCellsCounted() throws IOException {
    CsvSchema schema;
    try (var reader = Files.newBufferedReader(CREDIT)) {
      schema = CsvSchemaInference.withDefaults().infer(reader, "Status", null, Map.of());
    }

    assertThat(schema.rows()).isEqualTo(4454);
    assertThat(schema.labelClasses()).containsExactly("good", "bad");
    assertThat(schema.columns()).hasSize(13).doesNotContainKey("Status");
    assertThat(schema.typeOf("Income")).isEqualTo(ColumnType.NUMERIC);
    assertThat(schema.typeOf("Home")).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(schema.columns().get("Home").categories())
        .containsExactlyInAnyOrder("rent", "owner", "parents", "priv", "other", "ignore");
    // 455 missing cells in the file, as its documentation says
    long missing = schema.columns().values().stream().mapToLong(CsvSchema.Column::missing).sum();
    assertThat(missing).isEqualTo(455);
  }

  @Test
  void categoriesAreOrderedByFrequencyThenFirstAppearance() {
    String csv = "y,c\na,x\nb,y\na,y\nb,z\n";

    CsvSchema schema = SMALL.infer(new StringReader(csv), "y", null, Map.of());

    assertThat(schema.columns().get("c").categories()).containsExactly("y", "x", "z");
    assertThat(schema.labelClasses()).containsExactly("a", "b");
  }

  @Test
  void declaredTypeWinsOverInference() {
    String csv = "y,code\na,1\nb,2\n";

    CsvSchema schema =
        SMALL.infer(new StringReader(csv), "y", null, Map.of("code", ColumnType.CATEGORICAL));

    assertThat(schema.columns().get("code").categories()).containsExactly("1", "2");
  }

  @Test
  void idLikeAndEmptyColumnsAreDroppedWithAReason() {
    StringBuilder csv = new StringBuilder("y,name,empty,v\n");
    for (int i = 0; i < 100; i++) {
      csv.append(i % 2 == 0 ? "a" : "b")
          .append(",n")
          .append(i)
          .append(",NA,")
          // unique whole numbers in no order and not named like an id: a numeric feature
          .append((i * 37) % 100)
          .append('\n');
    }

    CsvSchema schema =
        new CsvSchemaInference(
                CsvFormat.defaults(), new CsvSchemaInference.Settings(0.98, 10, 1, 0, false))
            .infer(new StringReader(csv.toString()), "y", null, Map.of());

    assertThat(schema.columns()).containsOnlyKeys("v");
    assertThat(schema.droppedColumns().get("name")).contains("an id: every value distinct");
    assertThat(schema.droppedColumns().get("empty")).isEqualTo("every value is missing");
  }

  @Test
  void labelColumnMustExistAndHaveTwoClasses() {
    assertThatThrownBy(
            () ->
                CsvSchemaInference.withDefaults()
                    .infer(new StringReader("a,b\n1,2\n"), "label", null, Map.of()))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("label column 'label' is not in the CSV header [a, b]");
    assertThatThrownBy(() -> SMALL.infer(new StringReader("a,y\n1,x\n2,x\n"), "y", null, Map.of()))
        .hasMessageContaining("has 1 class(es) that are not rare; need 2+");
  }

  @Test
  void inferredSchemaBecomesAValidSpec() throws IOException {
    CsvSchema schema;
    try (var reader = Files.newBufferedReader(CREDIT)) {
      schema = CsvSchemaInference.withDefaults().infer(reader, "Status", null, Map.of());
    }

    PipelineSpec spec = SpecFromCsv.toSpec("credit", schema);

    assertThat(spec.label().column()).isEqualTo("Status");
    assertThat(spec.columns()).hasSize(13);
    // 9 numeric columns + one-hot slots (categories + unseen) of 4 categorical ones
    assertThat(spec.featureNames()).hasSize(9 + (6 + 1) + (5 + 1) + (2 + 1) + (4 + 1));
  }
}
