package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class StreamtuneCliTest {

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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "demo",
        "ingest",
        "infer-spec",
        "profile",
        "prepare",
        "preprocess",
        "trainer",
        "evaluator",
        "serve",
        "feedback",
        "rollback",
        "retrain",
        "embedded",
        "pretrain",
        "dashboard"
      })
  void everyCommandHasHelp(String command) {
    Run run = run(command, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: streamtune " + command).contains("--help");
  }

  @Test
  void topLevelHelpListsTheCommands() {
    Run run = run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("demo", "ingest", "infer-spec", "prepare", "trainer", "evaluator", "serve")
        .contains("--java-opts <command>", "STREAMTUNE_CDS=off");
  }

  @Test
  void embeddedTakesARegistryTokenOptionOrVariable() {
    CommandLine.ParseResult parsed =
        StreamtuneCli.commandLine().parseArgs("embedded", "--registry-token", "t0k");

    EmbeddedCommand command = (EmbeddedCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(command.registryToken).isEqualTo("t0k");
    assertThat(run("embedded", "--help").out())
        .contains("--registry-token")
        .contains("STREAMTUNE_REGISTRY_TOKEN");
  }

  @Test
  void profilePrintsTheTableAndWritesMarkdownAndHtml(@TempDir Path dir) throws Exception {
    Run run =
        run(
            "profile",
            "--csv",
            Path.of("..", "data", "credit_data.csv").toString(),
            "--label",
            "Status",
            "--output",
            dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("credit_data.csv: 4454 rows, 14 columns; 2 exact duplicate rows")
        .contains("label Status: good 3200 (71.8%), bad 1254 (28.2%); 0 missing")
        .containsPattern("Income +numeric +381 \\(8\\.6%\\)");
    assertThat(Files.readString(dir.resolve("profile.md"))).contains("| ![Income](hist-10.svg) |");
    assertThat(Files.readString(dir.resolve("profile.html"))).contains("<svg");
  }

  @Test
  void aSpecInferredFromADirtyFilePreparesItWithTheBadCellsCounted(@TempDir Path dir)
      throws Exception {
    StringBuilder rows = new StringBuilder("amount,grade,ok,verdict\n");
    for (int i = 0; i < 200; i++) {
      String amount =
          i == 7 ? "lots" : i == 8 ? "1e400" : i == 9 ? "N/A" : String.valueOf(i * 13 % 97);
      String ok = i % 3 == 0 ? "no" : "yes";
      rows.append(amount).append(i % 2 == 0 ? ",A," : ",B,").append(ok).append(',').append(ok);
      rows.append('\n');
    }
    Path csv = dir.resolve("loans.csv");
    Files.writeString(csv, rows);
    Path spec = dir.resolve("loans.yaml");
    assertThat(
            run("infer-spec", "--csv", csv.toString(), "--label", "ok", "--output", spec.toString())
                .exitCode())
        .isZero();
    assertThat(PipelineSpecs.load(spec).columns().get("amount").type())
        .isEqualTo(PipelineSpec.ColumnType.NUMERIC);
    assertThat(Files.readString(spec))
        .contains("# suspected leak: verdict (equal to the label in every row)");

    Run prepared =
        run(
            "prepare",
            "--pipeline",
            spec.toString(),
            "--input",
            csv.toString(),
            "--output",
            dir.resolve("prepared.csv").toString());

    assertThat(prepared.exitCode()).as(prepared.err()).isZero();
    assertThat(prepared.err())
        .contains("prepared 200 rows")
        .contains("2 cells that were not numbers became missing: {amount=2}");
  }

  @Test
  void inferSpecWritesASpecThatReadsBack(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("loans.csv");
    Files.writeString(csv, "amount,grade,id,ok\n100,A,x1,yes\n250,B,x2,no\n,A,x3,yes\n");
    Path spec = dir.resolve("loans.yaml");

    Run run =
        run(
            "infer-spec",
            "--csv",
            csv.toString(),
            "--label",
            "ok",
            "--id-column",
            "id",
            "--output",
            spec.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    PipelineSpec parsed = PipelineSpecs.load(spec);
    assertThat(parsed.name()).isEqualTo("loans");
    assertThat(parsed.label().classes()).containsExactly("yes", "no");
    assertThat(parsed.columns().keySet()).containsExactly("amount", "grade");
    assertThat(parsed.columns().get("grade").categories()).isEqualTo(List.of("A", "B"));
  }

  @Test
  void aMissingLabelColumnIsOneClearLineAndExitCode2(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("x.csv");
    Files.writeString(csv, "a,b\n1,2\n");

    Run run = run("infer-spec", "--csv", csv.toString(), "--label", "target");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo("streamtune: label column 'target' is not in the CSV header [a, b]");
  }

  @Test
  void anInvalidSpecNamesTheKey(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(
        spec,
        Files.readString(EndToEndScenario.CREDIT_SPEC)
            .replace("scale: {method: standard}", "scale: {method: fancy}"));

    Run run = run("trainer", "--pipeline", spec.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("preprocess.steps[2].method")
        .contains("[standard, minmax, robust]");
  }

  @Test
  void demoRejectsACsvWithoutLabelOrSpec() {
    Run run = run("demo", "--csv", "whatever.csv");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--label");
  }

  @Test
  void demoAndIngestNameTheOptionAtFaultForImageAndTextInputs(@TempDir Path dir) throws Exception {
    String fashion = Path.of("..", "pipelines", "fashion-mnist.yaml").toString();
    String spam = Path.of("..", "pipelines", "spam.yaml").toString();
    Path images = Path.of("..", "data", "fashion-mnist", "fashion-mnist-500-images-idx3-ubyte.gz");

    Run missing = run("demo", "--pipeline", fashion, "--input", dir.resolve("nope.gz").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--input").contains("nope.gz: no such file or directory");

    Run noLabels =
        run(
            "demo",
            "--pipeline",
            fashion,
            "--input",
            images.toString(),
            "--work-dir",
            dir.toString());
    assertThat(noLabels.exitCode()).isEqualTo(2);
    assertThat(noLabels.err()).contains("--labels is required with an IDX image file");

    // An image spec whose classes are not the bundled sample's has no data unless --input gives it.
    Path digits = dir.resolve("digits.yaml");
    Files.writeString(
        digits,
        Files.readString(Path.of(fashion))
            .replaceAll("classes: \\[T-shirt.*", "classes: [zero, one]")
            .replaceAll("copiesPerClass: .*", "copiesPerClass: {}"));
    Run noData = run("demo", "--pipeline", digits.toString(), "--work-dir", dir.toString());
    assertThat(noData.exitCode()).as(noData.err()).isEqualTo(2);
    assertThat(noData.err()).contains("does not fit the bundled data").contains("--input");

    Run textDir = run("ingest", "--pipeline", spam, "--input", dir.toString());
    assertThat(textDir.exitCode()).isEqualTo(2);
    assertThat(textDir.err()).contains("--input").contains("is a directory").contains("text");

    Run textLabels =
        run("ingest", "--pipeline", spam, "--input", images.toString(), "--labels", "x.gz");
    assertThat(textLabels.exitCode()).isEqualTo(2);
    assertThat(textLabels.err()).contains("--labels applies to an IDX image file only");

    Run noSpec = run("ingest", "--input", images.toString());
    assertThat(noSpec.exitCode()).isEqualTo(2);
    assertThat(noSpec.err()).contains("--input needs --pipeline SPEC");
  }
}
