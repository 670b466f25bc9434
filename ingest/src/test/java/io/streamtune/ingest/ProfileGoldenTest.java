package io.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code streamtune profile}'s statistics against pandas 1.5.3 on the same files: describe()
 * (count, mean, std, min, quartiles, max), value_counts(), nunique(), isna(), the cells
 * pd.to_numeric(errors="coerce") cannot read, IQR outliers and duplicated(). The golden files are
 * written by src/test/python/profile_golden.py (Debian python3-pandas).
 */
class ProfileGoldenTest {

  private static final Path GOLDEN = Path.of("src", "test", "resources", "profile-golden");

  @ParameterizedTest
  @CsvSource({"../data/credit_data.csv, credit_data", "GOLDEN/dirty_small.csv, dirty_small"})
  void statisticsEqualPandasDescribeAndValueCounts(String file, String golden) throws Exception {
    Path csv =
        file.startsWith("GOLDEN/")
            ? GOLDEN.resolve(file.substring("GOLDEN/".length()))
            : Path.of(file);
    JsonNode pandas = new ObjectMapper().readTree(GOLDEN.resolve(golden + ".json").toFile());
    CsvProfile profile;
    try (Reader reader = CsvDataset.reader(csv)) {
      profile = CsvProfile.read(reader, CsvFormat.defaults(), null);
    }

    assertThat(profile.rows()).isEqualTo(pandas.get("rows").asLong());
    assertThat(profile.duplicateRows()).isEqualTo(pandas.get("duplicate_rows").asLong());
    assertThat(profile.header()).containsExactlyInAnyOrderElementsOf(names(pandas.get("columns")));
    for (Iterator<Map.Entry<String, JsonNode>> it = pandas.get("columns").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      ColumnProfile column = profile.column(entry.getKey());
      JsonNode expected = entry.getValue();
      String what = golden + "." + entry.getKey();
      assertThat(column.missing())
          .as(what + " missing")
          .isEqualTo(expected.get("missing").asLong());
      assertThat(column.distinct())
          .as(what + " distinct")
          .isEqualTo(expected.get("distinct").asLong());
      assertThat(column.numbers())
          .as(what + " numbers")
          .isEqualTo(expected.get("numbers").asLong());
      assertThat(column.notNumbers())
          .as(what + " not numbers")
          .isEqualTo(expected.get("not_numbers").asLong());
      // value_counts().head(3): the same counts, each value counted alike (ties may order apart)
      List<Long> topCounts = new ArrayList<>(column.top(3).values());
      List<Long> expectedCounts = new ArrayList<>();
      expected
          .get("top")
          .fields()
          .forEachRemaining(
              e -> {
                expectedCounts.add(e.getValue().asLong());
                assertThat(column.count(e.getKey()))
                    .as(what + " count of " + e.getKey())
                    .isEqualTo(e.getValue().asLong());
              });
      assertThat(topCounts).as(what + " top").containsExactlyInAnyOrderElementsOf(expectedCounts);
      JsonNode describe = expected.get("describe");
      if (describe == null) {
        continue;
      }
      ColumnProfile.NumericSummary s = column.numericSummary();
      assertThat(s.count()).isEqualTo(describe.get("count").asLong());
      assertThat(s.mean())
          .as(what + " mean")
          .isCloseTo(describe.get("mean").asDouble(), close(describe, "mean"));
      assertThat(s.std())
          .as(what + " std")
          .isCloseTo(describe.get("std").asDouble(), close(describe, "std"));
      assertThat(s.min()).isEqualTo(describe.get("min").asDouble());
      assertThat(s.q1())
          .as(what + " 25%")
          .isCloseTo(describe.get("25%").asDouble(), close(describe, "25%"));
      assertThat(s.median())
          .as(what + " 50%")
          .isCloseTo(describe.get("50%").asDouble(), close(describe, "50%"));
      assertThat(s.q3())
          .as(what + " 75%")
          .isCloseTo(describe.get("75%").asDouble(), close(describe, "75%"));
      assertThat(s.max()).isEqualTo(describe.get("max").asDouble());
      assertThat(s.outliers())
          .as(what + " IQR outliers")
          .isEqualTo(expected.get("iqr_outliers").asLong());
    }
  }

  private static org.assertj.core.data.Offset<Double> close(JsonNode describe, String key) {
    return within(1e-9 * Math.max(1, Math.abs(describe.get(key).asDouble())));
  }

  private static List<String> names(JsonNode columns) {
    List<String> names = new ArrayList<>();
    columns.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
