package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rankings the benchmarks predict (docs/benchmarks.md, issues 6 and 7): on SpamAssassin the
 * hashed tf-idf baseline beats the frozen MiniLM probe; on Amazon reviews fine-tuned MiniLM beats
 * both. The ranking is asserted, not the numbers. Sized for a shared 2-core CPU: 2 folds, and the
 * fine-tuned candidate at {@code maxLength 64} and 3 epochs ({@code Candidates}).
 */
class SelectTextRankingTest {

  @Test
  void onSpamTfidfRanksAboveTheMiniLmProbe() {
    SelectCommandTest.Run run =
        SelectCommandTest.run(
            "select",
            "--pipeline",
            Path.of("..", "pipelines", "spam.yaml").toString(),
            "--input",
            Path.of("..", "data", "spam-assassin", "spam-assassin-600.jsonl.gz").toString(),
            "--candidates",
            "tfidf,minilm",
            "--folds",
            "2",
            "--threads",
            "2");
    System.out.printf("select spam (tfidf, minilm; 2 folds): %.1f s%n%s", run.seconds(), run.out());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(SelectCommandTest.rankedNames(run.out())).containsExactly("tfidf", "minilm");
  }

  @Test
  void onReviewsFullFineTuningRanksFirst() {
    SelectCommandTest.Run run =
        SelectCommandTest.run(
            "select",
            "--pipeline",
            Path.of("..", "pipelines", "reviews-finetune.yaml").toString(),
            "--input",
            Path.of("..", "data", "reviews", "amazon-reviews-400.csv.gz").toString(),
            "--candidates",
            "tfidf,minilm,minilm-finetune:full",
            "--folds",
            "2",
            "--threads",
            "2");
    System.out.printf(
        "select reviews (tfidf, minilm, minilm-finetune:full; 2 folds): %.1f s%n%s",
        run.seconds(), run.out());
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> ranked = SelectCommandTest.rankedNames(run.out());
    assertThat(ranked).containsExactlyInAnyOrder("tfidf", "minilm", "minilm-finetune:full");
    assertThat(ranked.get(0)).isEqualTo("minilm-finetune:full");
  }
}
