package io.streamtune.preprocess.golden;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.core.PreparedRow;
import io.streamtune.preprocess.core.RecordValidator;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The golden cases written by {@code src/test/python/make_goldens.py} (scikit-learn 1.2), their
 * datasets, and the comparisons: 1e-6 relative (1e-7 absolute near zero), up to sign, exact, or a
 * value whose rank lies within the KLL sketch's documented error.
 */
final class Goldens {

  /** From either preprocess module's folder: the job's tests compare its operator on these too. */
  static final Path DIR =
      Path.of("..", "preprocess-core", "src", "test", "resources", "golden").normalize();

  static final double RELATIVE = 1e-6;
  static final double ABSOLUTE = 1e-7;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, List<ValidatedRow>> ROWS = new HashMap<>();

  private Goldens() {}

  /** One golden file. */
  record Case(String dataset, String name, JsonNode doc) {
    @Override
    public String toString() {
      return dataset + "/" + name;
    }

    boolean hasOutput() {
      return doc.has("output");
    }

    boolean hasExactSketch() {
      return doc.has("exact_sketch");
    }
  }

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (String dataset : List.of("credit", "lending_club")) {
      try (Stream<Path> files = Files.list(DIR.resolve(dataset))) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString().replace(".json", "");
          cases.add(new Case(dataset, name, JSON.readTree(file.toFile())));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cases.stream();
  }

  /** The dataset's spec with the case's preprocess section (and optional extra keys). */
  static PipelineSpec spec(Case c, String extraPreprocessYaml) {
    String base;
    try {
      base =
          c.dataset().equals("credit")
              ? withoutPreprocess(Files.readString(Path.of("..", "pipelines", "credit.yaml")))
              : Files.readString(DIR.resolve("lending_club.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String preprocess = c.doc().get("preprocess").asText();
    if (extraPreprocessYaml.contains("warmup:")) {
      preprocess = preprocess.replaceAll("(?m)^  warmup: .*\\n", "");
    }
    return PipelineSpecs.parse(
        base + "preprocess:\n" + extraPreprocessYaml + preprocess, c.toString());
  }

  private static String withoutPreprocess(String yaml) {
    StringBuilder kept = new StringBuilder();
    boolean skipping = false;
    for (String line : yaml.split("\n")) {
      if (line.startsWith("preprocess:")) {
        skipping = true;
        continue;
      }
      if (skipping && !line.startsWith(" ") && !line.isBlank()) {
        skipping = false;
      }
      if (!skipping) {
        kept.append(line).append('\n');
      }
    }
    return kept.toString();
  }

  /** Every row of the case's dataset, validated against the spec, split TRAIN. */
  static synchronized List<ValidatedRow> rows(Case c, PipelineSpec spec) {
    return ROWS.computeIfAbsent(c.dataset(), dataset -> load(dataset, spec));
  }

  private static List<ValidatedRow> load(String dataset, PipelineSpec spec) {
    Path csv =
        dataset.equals("credit")
            ? Path.of("..", "data", "credit_data.csv")
            : DIR.resolve("lending_club_2000.csv");
    RecordValidator validator = new RecordValidator(spec);
    String label = spec.label().column();
    List<ValidatedRow> rows = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(csv)) {
      int number = 0;
      for (CSVRecord record :
          CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
        Map<String, Object> values = new HashMap<>();
        String labelValue = null;
        for (Map.Entry<String, String> cell : record.toMap().entrySet()) {
          String text = cell.getValue().trim();
          Object value = text.isEmpty() || text.equals("NA") ? null : text;
          if (cell.getKey().equals(label)) {
            labelValue = (String) value;
          } else if (value != null
              && spec.columns().get(cell.getKey()).type() == PipelineSpec.ColumnType.NUMERIC) {
            values.put(cell.getKey(), Double.parseDouble(text));
          } else {
            values.put(cell.getKey(), value);
          }
        }
        RawRecord raw =
            RawRecord.newBuilder()
                .setId(dataset + "-" + number++)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + number))
                .setSource(dataset)
                .setLabel(labelValue)
                .setPayload(TabularPayload.newBuilder().setValues(values).build())
                .setAttributes(Map.of())
                .build();
        Outcome<ValidatedRow> validation = validator.validate(raw);
        assertThat(validation)
            .as("row %d of %s", number, dataset)
            .isInstanceOf(Outcome.Accepted.class);
        rows.add(((Outcome.Accepted<ValidatedRow>) validation).value().withSplit(Split.TRAIN));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(rows);
  }

  /** Compares the fitted parameters named by the checks with the pipeline's state. */
  static void checkParameters(Case c, JsonNode checks, TabularTransform pipeline) {
    JsonNode steps = pipeline.toJsonTree().get("steps");
    for (JsonNode check : checks) {
      int step = check.get("step").asInt();
      String key = check.get("key").asText();
      JsonNode actual = steps.get(step).get(key);
      String what = c + " step " + step + " " + key;
      assertThat(actual).as(what + " present").isNotNull();
      switch (check.get("compare").asText()) {
        case "relative" -> assertClose(what, doubles(actual), doubles(check.get("expected")));
        case "interval" -> {
          double[] values = doubles(actual);
          double[] lower = doubles(check.get("lower"));
          double[] upper = doubles(check.get("upper"));
          for (int i = 0; i < values.length; i++) {
            assertThat(values[i])
                .as("%s[%d] within the sketch's rank error of scikit-learn's quantile", what, i)
                .isBetween(lower[i] - ABSOLUTE, upper[i] + ABSOLUTE);
          }
        }
        case "exact" -> assertThat(actual).as(what).isEqualTo(check.get("expected"));
        case "rows_up_to_sign" -> {
          for (int r = 0; r < check.get("expected").size(); r++) {
            double[] a = doubles(actual.get(r));
            double[] e = doubles(check.get("expected").get(r));
            assertClose(what + " row " + r, flipTo(a, e), e);
          }
        }
        case "ranking" -> {
          double[] scores = doubles(actual);
          double[] expected = doubles(check.get("expected"));
          for (int i = 0; i < scores.length; i++) {
            assertThat(scores[i]).as("%s[%d]", what, i).isCloseTo(expected[i], within(1e-3));
          }
        }
        default -> throw new IllegalArgumentException("unknown comparison in " + what);
      }
    }
  }

  /** Compares the outcomes of the sampled rows with the expected output rows. */
  static void checkOutput(
      Case c, JsonNode expectedRows, List<Outcome<PreparedRow>> outcomes, String mode) {
    JsonNode sample = c.doc().get("rows");
    double[][] actual = new double[sample.size()][];
    double[][] expected = new double[sample.size()][];
    for (int s = 0; s < sample.size(); s++) {
      Outcome<PreparedRow> outcome = outcomes.get(sample.get(s).asInt());
      assertThat(outcome)
          .as("%s row %d (%s)", c, sample.get(s).asInt(), mode)
          .isInstanceOf(Outcome.Accepted.class);
      float[] features = ((Outcome.Accepted<PreparedRow>) outcome).value().features();
      actual[s] = new double[features.length];
      for (int j = 0; j < features.length; j++) {
        actual[s][j] = features[j];
      }
      expected[s] = doubles(expectedRows.get(s));
    }
    boolean upToSign = c.doc().get("output_compare").asText().equals("columns_up_to_sign");
    int width = expected[0].length;
    for (int j = 0; j < width && upToSign; j++) {
      double dot = 0;
      for (int s = 0; s < actual.length; s++) {
        dot += actual[s][j] * expected[s][j];
      }
      if (dot < 0) {
        for (double[] row : actual) {
          row[j] = -row[j];
        }
      }
    }
    for (int s = 0; s < actual.length; s++) {
      assertClose(
          c + " output row " + sample.get(s).asInt() + " (" + mode + ")", actual[s], expected[s]);
    }
  }

  static void assertClose(String what, double[] actual, double[] expected) {
    assertThat(actual).as(what + " width").hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      double tolerance = RELATIVE * Math.max(Math.abs(actual[i]), Math.abs(expected[i])) + ABSOLUTE;
      assertThat(actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], within(tolerance));
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }

  private static double[] flipTo(double[] a, double[] e) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * e[i];
    }
    double[] flipped = a.clone();
    if (dot < 0) {
      for (int i = 0; i < flipped.length; i++) {
        flipped[i] = -flipped[i];
      }
    }
    return flipped;
  }

  static double[] doubles(JsonNode node) {
    double[] values = new double[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = node.get(i);
      values[i] =
          v.isTextual()
              ? Double.parseDouble(v.asText())
              : v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asDouble();
    }
    return values;
  }
}
