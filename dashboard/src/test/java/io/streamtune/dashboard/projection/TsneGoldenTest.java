package io.streamtune.dashboard.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class TsneGoldenTest {

  private static final SklearnGolden GOLDEN = SklearnGolden.load();

  @Test
  void keepsNeighbourhoodsAsWellAsScikitLearnAndTheSameSeedGivesTheSameMap() {
    List<Double> reported = new ArrayList<>();
    TsneProgress progress = (iteration, iterations, kl) -> reported.add(kl);

    Tsne.Result first = Tsne.embed(GOLDEN.input(), TsneOptions.defaults(), progress);
    Tsne.Result second = Tsne.embed(GOLDEN.input(), TsneOptions.defaults());

    double trust = Trustworthiness.of(GOLDEN.input(), first.embedding());
    double sklearnTrust = GOLDEN.number("tsne_trustworthiness_k5");
    System.out.printf(
        "t-SNE trustworthiness k=5: java %.6f, scikit-learn %.6f; KL java %.4f, scikit-learn %.4f,"
            + " %d iterations%n",
        trust,
        sklearnTrust,
        first.klDivergence(),
        GOLDEN.number("tsne_kl_divergence"),
        first.iterations());
    assertThat(trust).isCloseTo(sklearnTrust, within(0.02));
    // a map that only kept PCA's layout would not reach t-SNE's neighbourhoods
    assertThat(trust).isGreaterThan(GOLDEN.number("pca_trustworthiness_k5") + 0.02);
    assertThat(first.klDivergence()).isCloseTo(GOLDEN.number("tsne_kl_divergence"), within(0.1));
    assertThat(second.embedding()).isDeepEqualTo(first.embedding());
    assertThat(first.perplexity()).isEqualTo(30.0);
    assertThat(reported).hasSizeGreaterThanOrEqualTo(1_000 / Tsne.CHECK_EVERY - 1);
    // the divergence falls once the exaggeration is off
    assertThat(reported.get(reported.size() - 1)).isLessThan(reported.get(5));
  }

  @Test
  void barnesHutAtScikitLearnsAngleKeepsNeighbourhoodsAsWell() {
    Tsne.Result result =
        Tsne.embed(GOLDEN.input(), TsneOptions.defaults().withTheta(TsneOptions.BARNES_HUT_THETA));

    double trust = Trustworthiness.of(GOLDEN.input(), result.embedding());
    System.out.printf(
        "Barnes-Hut t-SNE trustworthiness k=5: java %.6f; KL %.4f%n", trust, result.klDivergence());
    assertThat(trust).isCloseTo(GOLDEN.number("tsne_trustworthiness_k5"), within(0.02));
    assertThat(result.klDivergence()).isCloseTo(GOLDEN.number("tsne_kl_divergence"), within(0.1));
  }

  @Test
  void theAutomaticAngleIsExactForDashboardSizedMapsOnly() {
    TsneOptions auto = TsneOptions.defaults();

    assertThat(auto.thetaFor(TsneOptions.EXACT_UP_TO_POINTS)).isZero();
    assertThat(auto.thetaFor(TsneOptions.EXACT_UP_TO_POINTS + 1)).isEqualTo(0.5);
    assertThat(auto.withTheta(0.3).thetaFor(10)).isEqualTo(0.3);
    assertThatThrownBy(() -> auto.withTheta(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("t-SNE theta must be between 0 (exact) and 1, or AUTO_THETA (-1), got 1.5");
  }

  @Test
  void aRandomStartWithAnotherSeedGivesAnotherMapOfTheSameQuality() {
    TsneOptions options = TsneOptions.defaults().withInit(TsneOptions.Init.RANDOM);
    double[][] seed1 = Tsne.embed(GOLDEN.input(), options.withSeed(1)).embedding();
    double[][] seed2 = Tsne.embed(GOLDEN.input(), options.withSeed(2)).embedding();

    assertThat(seed1[0]).isNotEqualTo(seed2[0]);
    assertThat(Trustworthiness.of(GOLDEN.input(), seed1))
        .isCloseTo(GOLDEN.number("tsne_trustworthiness_k5"), within(0.02));
  }

  @Test
  void stopsWhenCancelledAndSaysWhere() {
    TsneProgress cancelAfterFirstReport =
        new TsneProgress() {
          private int reports;

          @Override
          public void report(int iteration, int iterations, double kl) {
            reports++;
          }

          @Override
          public boolean cancelRequested() {
            return reports > 0;
          }
        };
    assertThatThrownBy(
            () -> Tsne.embed(GOLDEN.input(), TsneOptions.defaults(), cancelAfterFirstReport))
        .isInstanceOf(CancellationException.class)
        .hasMessage("t-SNE cancelled at iteration 50 of 1000");
  }

  @Test
  void lowersThePerplexityForFewPointsAndStillSeparatesThem() {
    double[][] two = new double[12][3];
    for (int i = 0; i < two.length; i++) {
      two[i][0] = (i < 6 ? 0 : 50) + i % 3;
      two[i][1] = i % 2;
    }
    Tsne.Result result = Tsne.embed(two, TsneOptions.defaults());

    assertThat(result.perplexity()).isEqualTo(10 / 3.0);
    double within = distance(result.embedding()[0], result.embedding()[1]);
    double across = distance(result.embedding()[0], result.embedding()[11]);
    assertThat(across).isGreaterThan(2 * within);
  }

  @Test
  void refusesInputItCannotMap() {
    assertThatThrownBy(() -> Tsne.embed(new double[4][2], TsneOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("t-SNE: needs at least 5 points, got 4");
    double[][] infinite = new double[6][2];
    infinite[3][1] = Double.POSITIVE_INFINITY;
    assertThatThrownBy(() -> Tsne.embed(infinite, TsneOptions.defaults()))
        .hasMessageContaining("feature 1 of point 3 is Infinity (not finite)");
    assertThatThrownBy(() -> TsneOptions.defaults().withPerplexity(0))
        .hasMessageContaining("perplexity must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> TsneOptions.defaults().withIterations(100))
        .hasMessageContaining("iterations must be between max(1, explorationIterations = 250)");
  }

  private static double distance(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
}
