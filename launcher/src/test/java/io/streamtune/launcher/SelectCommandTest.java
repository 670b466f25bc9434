package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.selection.Candidates;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamtune select} on the bundled credit data (every tabular candidate, fast) and its
 * refusals of bad input. The text rankings are in {@link SelectTextRankingTest}.
 */
class SelectCommandTest {

  static final Path CREDIT_SPEC = Path.of("..", "pipelines", "credit.yaml");
  static final Path CREDIT = Path.of("..", "data", "credit_data.csv");

  record Run(int exitCode, String out, String err, double seconds) {}

  static Run run(String... args) {
    CommandLine cli = StreamtuneCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    long start = System.nanoTime();
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1e9);
  }

  /** {@code select} on the bundled credit data with more options. */
  static Run selectCredit(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of("select", "--pipeline", CREDIT_SPEC.toString(), "--input", CREDIT.toString()));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  /** The candidate names of the printed table, top to bottom. */
  static List<String> rankedNames(String out) {
    List<String> names = new ArrayList<>();
    boolean inTable = false;
    for (String line : out.split("\n")) {
      if (line.startsWith("rank ")) {
        inTable = true;
      } else if (inTable && line.matches("^\\d+\\s+.*")) {
        names.add(line.split("\\s+")[1]);
      } else {
        inTable = false;
      }
    }
    return names;
  }

  @Test
  void creditPrintsTheRankedTableOfEveryTabularCandidateAndWritesTheReport(@TempDir Path dir)
      throws Exception {
    Path report = dir.resolve("report");
    Path winnerSpec = dir.resolve("winner.yaml");
    Run run = selectCredit("--report", report.toString(), "--write-spec", winnerSpec.toString());
    System.out.printf("select credit (5 tabular candidates): %.1f s%n%s", run.seconds(), run.out());
    assertThat(run.exitCode()).as(run.err()).isZero();

    // 4,454 rows: above the k-fold limit, one stratified 80/20 holdout
    assertThat(run.out()).contains("4454 examples, stratified holdout: 3563 train, 891 scored");
    List<String> ranked = rankedNames(run.out());
    assertThat(ranked)
        .containsExactlyInAnyOrderElementsOf(Candidates.names(PipelineSpec.Modality.TABULAR));
    assertThat(run.out()).contains("winner: " + ranked.get(0));
    assertThat(run.err()).contains("[1/5] logreg fold 1/1: trained on 3563 examples");

    JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
    JsonNode rows = json.get("ranking");
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0).has("versusBest")).isFalse();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      assertThat(row.get("candidate").asText()).isEqualTo(ranked.get(i));
      double f1 = row.get("macroF1").asDouble();
      assertThat(row.get("macroF1Interval").get("low").asDouble()).isLessThanOrEqualTo(f1);
      assertThat(row.get("macroF1Interval").get("high").asDouble()).isGreaterThanOrEqualTo(f1);
      // a trained credit model beats the majority baseline (macro F1 0.42) by far
      assertThat(f1).isGreaterThan(0.6);
      if (i > 0) {
        assertThat(f1).isLessThanOrEqualTo(rows.get(i - 1).get("macroF1").asDouble());
        JsonNode versus = row.get("versusBest");
        assertThat(versus.get("difference").asDouble())
            .isCloseTo(
                f1 - rows.get(0).get("macroF1").asDouble(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(versus.get("significant").asBoolean())
            .isEqualTo(versus.get("pValue").asDouble() < 0.05);
      }
      long[] confusionTotal = {0};
      row.get("confusionMatrix").forEach(r -> r.forEach(c -> confusionTotal[0] += c.asLong()));
      assertThat(confusionTotal[0]).isEqualTo(891);
    }
    // logistic regression: 30 features (9 numeric, 21 one-hot slots) x 2 classes + 2 biases
    JsonNode logreg = findRow(rows, "logreg");
    assertThat(logreg.get("parameters").asLong()).isEqualTo(30L * 2 + 2);
    // gradient-boosted trees: the scoring trees' nodes, at least a split and two leaves a tree
    assertThat(findRow(rows, "gbt").get("parameters").asLong()).isGreaterThanOrEqualTo(3);

    assertThat(Files.readString(report.resolve("report.md")))
        .contains("| 1 | " + ranked.get(0) + " |");
    BufferedImage chart = ImageIO.read(report.resolve("ranking.png").toFile());
    assertThat(chart.getWidth()).isGreaterThan(100);
    for (String name : ranked) {
      assertThat(report.resolve(SelectionCharts.confusionFile(name))).exists();
    }

    PipelineSpec written = PipelineSpecs.load(winnerSpec);
    PipelineSpec original = PipelineSpecs.load(CREDIT_SPEC);
    assertThat(written.trainer().hiddenUnits())
        .isEqualTo(
            Candidates.named(original, List.of(ranked.get(0))).get(0).trainer().hiddenUnits());
    assertThat(written.columns()).isEqualTo(original.columns());
  }

  private static JsonNode findRow(JsonNode rows, String name) {
    for (JsonNode row : rows) {
      if (row.get("candidate").asText().equals(name)) {
        return row;
      }
    }
    throw new AssertionError("no row " + name);
  }

  @Test
  void anUnknownCandidateIsRefusedListingTheAllowedOnes() {
    Run run = selectCredit("--candidates", "logreg,xgboost");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "--candidates: candidate 'xgboost' is unknown; allowed for tabular: [logreg, mlp[16],"
                + " mlp[64,32], mlp[128,64,32], gbt]");
  }

  @Test
  void aCandidateOfAnotherModalityIsRefused() {
    Run run = selectCredit("--candidates", "tfidf");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("candidate 'tfidf' is for text data, not tabular");
  }

  @Test
  void emptyDataAndASingleClassAreRefused(@TempDir Path dir) throws Exception {
    List<String> lines = Files.readAllLines(CREDIT);
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, lines.get(0) + "\n");
    Run none = run("select", "--pipeline", CREDIT_SPEC.toString(), "--input", empty.toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("no examples to select on: the input is empty");

    List<String> good = new ArrayList<>(List.of(lines.get(0)));
    lines.stream().skip(1).filter(l -> l.startsWith("\"good\"")).limit(50).forEach(good::add);
    Path oneClass = dir.resolve("good.csv");
    Files.write(oneClass, good);
    Run single =
        run("select", "--pipeline", CREDIT_SPEC.toString(), "--input", oneClass.toString());
    assertThat(single.exitCode()).isEqualTo(2);
    assertThat(single.err()).contains("the input has one class only ([good])");
  }

  @Test
  void aBadBudgetOrFoldCountIsRefused() {
    Run budget = selectCredit("--budget", "soon");
    assertThat(budget.exitCode()).isEqualTo(2);
    assertThat(budget.err()).contains("--budget: invalid budget 'soon'");
    Run folds = selectCredit("--folds", "-1");
    assertThat(folds.exitCode()).isEqualTo(2);
    assertThat(folds.err()).contains("--folds must be 0 (automatic), 1 (holdout) or >= 2");
  }

  @Test
  void candidatesThatDoNotFitTheBudgetAreListedAsSkipped() {
    // logreg's prior, 2e-4 s x 3,563 training rows = 0.7 s, fits 1 s; gbt's and the MLPs' (scaled
    // by how fast logreg actually ran) may not: whatever is not ranked is listed with the reason
    Run run = selectCredit("--budget", "1s");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> ranked = rankedNames(run.out());
    assertThat(ranked).contains("logreg");
    List<String> skipped = run.out().lines().filter(line -> line.startsWith("skipped ")).toList();
    assertThat(ranked.size() + skipped.size()).isEqualTo(5);
    assertThat(skipped)
        .allMatch(
            line ->
                line.matches(
                    "skipped (mlp\\[[0-9,]+\\]|gbt): estimated \\d+ s, \\d+ s of the 1s budget left"));
  }
}
