package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.preprocess.core.TabularTransform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PrepareCommandTest {

  private static final Path GOLDEN =
      Path.of("..", "preprocess-core", "src", "test", "resources", "golden");
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = StreamtuneCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The bundled credit spec with the preprocess section of a golden case. */
  private static Path specFor(JsonNode golden, Path dir) throws Exception {
    String credit = Files.readString(EndToEndScenario.CREDIT_SPEC);
    int start = credit.indexOf("preprocess:");
    int end = credit.indexOf("trainer:");
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(
        spec,
        credit.substring(0, start)
            + "preprocess:\n"
            + golden.get("preprocess").asText()
            + credit.substring(end));
    return spec;
  }

  @Test
  void prepareWritesScikitLearnsStandardScalingAndTheFittedParameters(@TempDir Path dir)
      throws Exception {
    JsonNode golden = JSON.readTree(GOLDEN.resolve("credit/standard_scaler.json").toFile());
    Path output = dir.resolve("out.csv");
    Path fitted = dir.resolve("fitted.json");

    Run run =
        run(
            "prepare",
            "--pipeline",
            specFor(golden, dir).toString(),
            "--input",
            Path.of("..", "data", "credit_data.csv").toString(),
            "--output",
            output.toString(),
            "--fitted",
            fitted.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = Files.readAllLines(output);
    assertThat(lines).hasSize(4455);
    assertThat(lines.get(0)).startsWith("id,split,label,Seniority,Home=owner,");
    JsonNode sample = golden.get("rows");
    for (int s = 0; s < sample.size(); s++) {
      String[] cells = lines.get(1 + sample.get(s).asInt()).split(",");
      JsonNode expected = golden.get("output").get(s);
      assertThat(cells).hasSize(3 + expected.size());
      for (int j = 0; j < expected.size(); j++) {
        double e = expected.get(j).asDouble();
        assertThat(Double.parseDouble(cells[3 + j]))
            .as("row %d feature %d", sample.get(s).asInt(), j)
            .isCloseTo(e, within(1e-6 * Math.abs(e) + 1e-6));
      }
    }
    JsonNode scale = JSON.readTree(fitted.toFile()).get("steps").get(2);
    JsonNode expectedMean = golden.get("checks").get(0).get("expected");
    for (int j = 0; j < expectedMean.size(); j++) {
      assertThat(scale.get("mean").get(j).asDouble())
          .isCloseTo(
              expectedMean.get(j).asDouble(),
              within(1e-6 * Math.abs(expectedMean.get(j).asDouble())));
    }
    TabularTransform reloaded = TabularTransform.fromJson(Files.readString(fitted));
    assertThat(reloaded.version()).isEqualTo(4454);
    assertThat(run.err()).contains("prepared 4,454 rows (fitted on 4,454)");
  }

  @Test
  void fittingOnTheTrainSplitOnlyAndRejectedRowsAreReported(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("small.csv");
    Files.writeString(
        csv,
        "Status,Income,Age,Home\ngood,10,30,rent\nbad,20,40,owner\ngood,abc,50,rent\nbad,-5,20,rent\n");
    Path spec = dir.resolve("small.yaml");
    Files.writeString(
        spec,
        """
        label: {column: Status, classes: [good, bad]}
        columns:
          Income: {type: numeric}
          Age: {type: numeric}
          Home: {type: categorical, categories: [owner, rent]}
        split: {holdoutFraction: 0.5}
        preprocess:
          steps:
            - log1p: {columns: [Income]}
            - oneHot: {}
        """);
    Path rejected = dir.resolve("rejected.csv");

    Run run =
        run(
            "prepare",
            "--pipeline",
            spec.toString(),
            "--input",
            csv.toString(),
            "--output",
            dir.resolve("out.csv").toString(),
            "--fit-on",
            "train",
            "--rejected",
            rejected.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readAllLines(dir.resolve("out.csv")))
        .hasSize(3)
        .element(1)
        .asString()
        .startsWith("small-1,")
        .endsWith("," + (float) Math.log1p(10) + ",30.0,0.0,1.0,0.0");
    assertThat(Files.readAllLines(rejected))
        .containsExactly(
            "source,id,stage,reason",
            "small:4,small-3,validate,column 'Income': 'abc' is not a number",
            ",small-4,transform,column 'Income': log1p of -5.0 is not finite (values must be > -1)");
  }

  @Test
  void anUnknownFitOnValueIsAClearError(@TempDir Path dir) {
    Run run =
        run(
            "prepare",
            "--pipeline",
            EndToEndScenario.CREDIT_SPEC.toString(),
            "--input",
            "x.csv",
            "--output",
            dir.resolve("o.csv").toString(),
            "--fit-on",
            "holdout");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--fit-on").contains("[all, train]");
  }
}
