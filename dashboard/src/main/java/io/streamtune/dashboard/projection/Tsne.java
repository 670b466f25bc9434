package io.streamtune.dashboard.projection;

import java.util.Random;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * t-SNE to two dimensions, following scikit-learn 1.2's {@code TSNE} step for step: affinities from
 * the {@code 3·perplexity + 1} nearest neighbours, early exaggeration, momentum, gains, the stop
 * rules, and the repulsion by a Barnes-Hut quadtree (θ 0.5). One choice differs: by default ({@link
 * TsneOptions#AUTO_THETA}) maps of up to {@value TsneOptions#EXACT_UP_TO_POINTS} points — what a
 * dashboard shows — sum the repulsion exactly over all pairs, which is faster than the tree at that
 * size and has no approximation error (docs/benchmarks.md, "t-SNE for the dashboard map").
 *
 * <p>The result depends only on the input and the options: the same input and seed give the same
 * map, bit for bit.
 */
public final class Tsne {

  private static final Logger LOG = LoggerFactory.getLogger(Tsne.class);

  /** How often the divergence is computed, reported and checked for progress (as scikit-learn). */
  public static final int CHECK_EVERY = 50;

  /** The fewest points t-SNE accepts: below that a map shows nothing a list would not. */
  public static final int MIN_POINTS = 5;

  private static final int ITERATIONS_WITHOUT_PROGRESS = 300;
  private static final double MIN_GRADIENT_NORM = 1e-7;
  private static final double MIN_GAIN = 0.01;
  private static final double INIT_STD = 1e-4;

  /**
   * The map, its final Kullback-Leibler divergence, the iterations run, and the perplexity used
   * (lower than asked when the input has too few points for it).
   */
  public record Result(
      double[][] embedding, double klDivergence, int iterations, double perplexity) {}

  private Tsne() {}

  public static Result embed(double[][] x, TsneOptions options) {
    return embed(x, options, TsneProgress.NONE);
  }

  /**
   * Embeds {@code x} (n ≥ {@value #MIN_POINTS} points × d features, finite) in two dimensions. When
   * {@code n - 1 < 3·perplexity + 1} the perplexity is lowered to {@code (n - 2) / 3} so every
   * point still has {@code 3·perplexity + 1} neighbours (scikit-learn refuses such input instead),
   * and the lowering is logged and returned in {@link Result#perplexity()}.
   *
   * @throws IllegalArgumentException for fewer than {@value #MIN_POINTS} points, ragged rows or
   *     values that are not finite, naming the point and feature
   * @throws CancellationException when {@code progress} asks to stop or the thread is interrupted
   */
  public static Result embed(double[][] x, TsneOptions options, TsneProgress progress) {
    ProjectionInput.requireFiniteMatrix(x, MIN_POINTS, "t-SNE");
    int n = x.length;
    double perplexity = usablePerplexity(n, options.perplexity());
    TsneAffinities.Sparse p = TsneAffinities.compute(x, perplexity);
    double[] y = initialPositions(x, options);
    double learningRate = options.learningRateFor(n);
    Optimiser optimiser =
        new Optimiser(p, y, learningRate, options.iterations(), options.thetaFor(n), progress);
    int exploration = options.explorationIterations();
    if (exploration > 0) {
      optimiser.run(0, exploration, 0.5, options.earlyExaggeration(), exploration);
    }
    // scikit-learn restarts its optimiser here: gains and momentum start afresh
    int last =
        optimiser.run(exploration, options.iterations(), 0.8, 1, ITERATIONS_WITHOUT_PROGRESS);
    double[][] embedding = new double[n][2];
    for (int i = 0; i < n; i++) {
      embedding[i][0] = y[2 * i];
      embedding[i][1] = y[2 * i + 1];
    }
    return new Result(embedding, optimiser.lastError, last, perplexity);
  }

  static double usablePerplexity(int n, double perplexity) {
    if (n - 1 >= 3 * perplexity + 1) {
      return perplexity;
    }
    double lowered = (n - 2) / 3.0;
    LOG.warn(
        "t-SNE perplexity {} needs at least {} points (3·perplexity + 2); lowered to {} for {}"
            + " points",
        perplexity,
        (int) Math.ceil(3 * perplexity + 2),
        lowered,
        n);
    return lowered;
  }

  private static double[] initialPositions(double[][] x, TsneOptions options) {
    int n = x.length;
    double[] y = new double[2 * n];
    if (options.init() == TsneOptions.Init.PCA) {
      double[][] projection = Pca.fit(x).projection();
      double mean = 0;
      for (double[] point : projection) {
        mean += point[0];
      }
      mean /= n;
      double variance = 0;
      for (double[] point : projection) {
        variance += (point[0] - mean) * (point[0] - mean);
      }
      double std = Math.sqrt(variance / n);
      // a constant first component (all points equal) leaves nothing to scale: start at the origin
      double scale = std > 0 ? INIT_STD / std : 0;
      for (int i = 0; i < n; i++) {
        y[2 * i] = projection[i][0] * scale;
        y[2 * i + 1] = projection[i][1] * scale;
      }
    } else {
      Random random = new Random(options.seed());
      for (int i = 0; i < 2 * n; i++) {
        y[i] = random.nextGaussian() * INIT_STD;
      }
    }
    return y;
  }

  /** Gradient descent with momentum and gains, as scikit-learn's {@code _gradient_descent}. */
  private static final class Optimiser {
    private final TsneAffinities.Sparse p;
    private final double[] y;
    private final double learningRate;
    private final int plannedIterations;
    private final double theta;
    private final TsneProgress progress;
    private final double[] gradient;
    private double lastError = Double.NaN;

    Optimiser(
        TsneAffinities.Sparse p,
        double[] y,
        double learningRate,
        int plannedIterations,
        double theta,
        TsneProgress progress) {
      this.p = p;
      this.theta = theta;
      this.y = y;
      this.learningRate = learningRate;
      this.plannedIterations = plannedIterations;
      this.progress = progress;
      this.gradient = new double[y.length];
    }

    /** Iterations {@code from..to-1}; returns the number of iterations done when it stopped. */
    int run(int from, int to, double momentum, double exaggeration, int withoutProgress) {
      double[] update = new double[y.length];
      double[] gains = new double[y.length];
      java.util.Arrays.fill(gains, 1);
      double bestError = Double.POSITIVE_INFINITY;
      int bestIteration = from;
      for (int i = from; i < to; i++) {
        if (progress.cancelRequested() || Thread.currentThread().isInterrupted()) {
          throw new CancellationException(
              "t-SNE cancelled at iteration " + i + " of " + plannedIterations);
        }
        boolean check = (i + 1) % CHECK_EVERY == 0 || i == to - 1;
        double error = gradient(exaggeration, check);
        double gradientNorm = 0;
        for (int e = 0; e < y.length; e++) {
          double g = gradient[e];
          gradientNorm += g * g;
          if (update[e] * g < 0) {
            gains[e] += 0.2;
          } else {
            gains[e] *= 0.8;
          }
          if (gains[e] < MIN_GAIN) {
            gains[e] = MIN_GAIN;
          }
          update[e] = momentum * update[e] - learningRate * gains[e] * g;
          y[e] += update[e];
        }
        if (check) {
          lastError = error;
          progress.report(i + 1, plannedIterations, error);
          if (error < bestError) {
            bestError = error;
            bestIteration = i;
          } else if (i - bestIteration > withoutProgress) {
            return i + 1;
          }
          if (Math.sqrt(gradientNorm) <= MIN_GRADIENT_NORM) {
            return i + 1;
          }
        }
      }
      return to;
    }

    /**
     * Fills {@link #gradient} with dKL/dy: 4·Σⱼ (pᵢⱼ − qᵢⱼ)·wᵢⱼ·(yᵢ − yⱼ), wᵢⱼ = 1/(1 + |yᵢ −
     * yⱼ|²), attraction over P's non-zeros, repulsion over all pairs (exactly, or by quadtree cells
     * when θ &gt; 0); returns the divergence KL(P‖Q) when asked (NaN otherwise).
     */
    private double gradient(double exaggeration, boolean withError) {
      int n = p.rows();
      double normaliser = theta > 0 ? treeRepulsion(n) : exactRepulsion(n);
      // the repulsion so far is -Σⱼ wᵢⱼ²(yᵢ − yⱼ); divide by Z and add the attraction
      double error = 0;
      for (int i = 0; i < n; i++) {
        gradient[2 * i] /= normaliser;
        gradient[2 * i + 1] /= normaliser;
        double yi0 = y[2 * i];
        double yi1 = y[2 * i + 1];
        double attract0 = 0;
        double attract1 = 0;
        for (int e = p.rowStart()[i]; e < p.rowStart()[i + 1]; e++) {
          int j = p.columns()[e];
          double d0 = yi0 - y[2 * j];
          double d1 = yi1 - y[2 * j + 1];
          double w = 1 / (1 + d0 * d0 + d1 * d1);
          double pij = p.values()[e] * exaggeration;
          attract0 += pij * w * d0;
          attract1 += pij * w * d1;
          if (withError) {
            double q = Math.max(w / normaliser, Math.ulp(1.0));
            error += pij * Math.log(Math.max(pij, Math.ulp(1.0)) / q);
          }
        }
        gradient[2 * i] = 4 * (gradient[2 * i] + attract0);
        gradient[2 * i + 1] = 4 * (gradient[2 * i + 1] + attract1);
      }
      return withError ? error : Double.NaN;
    }

    /** The repulsion over every pair i &lt; j, each pair once; returns Z = Σ_{i≠j} wᵢⱼ. */
    private double exactRepulsion(int n) {
      java.util.Arrays.fill(gradient, 0);
      double normaliser = 0;
      for (int i = 0; i < n; i++) {
        double yi0 = y[2 * i];
        double yi1 = y[2 * i + 1];
        double repulse0 = 0;
        double repulse1 = 0;
        for (int j = i + 1; j < n; j++) {
          double d0 = yi0 - y[2 * j];
          double d1 = yi1 - y[2 * j + 1];
          double w = 1 / (1 + d0 * d0 + d1 * d1);
          normaliser += w;
          double w2 = w * w;
          repulse0 += w2 * d0;
          repulse1 += w2 * d1;
          gradient[2 * j] += w2 * d0;
          gradient[2 * j + 1] += w2 * d1;
        }
        gradient[2 * i] -= repulse0;
        gradient[2 * i + 1] -= repulse1;
      }
      return 2 * normaliser;
    }

    /** The repulsion by Barnes-Hut over a quadtree of the current map; returns Z, approximated. */
    private double treeRepulsion(int n) {
      QuadTree tree = new QuadTree(y);
      double[] force = new double[2];
      double normaliser = 0;
      for (int i = 0; i < n; i++) {
        normaliser += tree.repulsion(i, theta, force);
        gradient[2 * i] = -force[0];
        gradient[2 * i + 1] = -force[1];
      }
      return normaliser;
    }
  }
}
