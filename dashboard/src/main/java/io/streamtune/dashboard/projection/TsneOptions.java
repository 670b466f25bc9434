package io.streamtune.dashboard.projection;

/**
 * The settings of one t-SNE run. The defaults are scikit-learn 1.2's {@code TSNE(init='pca',
 * learning_rate='auto')}: perplexity 30, early exaggeration 12 for the first 250 iterations, 1,000
 * iterations, momentum 0.5 then 0.8, and a learning rate of max(n / 12 / 4, 50).
 *
 * @param perplexity the effective number of neighbours each point keeps (&gt; 0); lowered for small
 *     inputs, see {@link Tsne}
 * @param iterations gradient steps in all (≥ {@link #explorationIterations}, at most 100,000)
 * @param explorationIterations the first steps, with exaggerated attraction and momentum 0.5
 * @param earlyExaggeration the factor on the attraction in those steps (≥ 1)
 * @param learningRate the step size, or {@link #AUTO_LEARNING_RATE} for scikit-learn's 'auto'
 * @param init where the points start: PCA scaled to a standard deviation of 1e-4, or seeded noise
 * @param seed the seed of the random start (and of nothing else)
 * @param theta the Barnes-Hut angle (0 to 1): cells narrower than θ times their distance repel as
 *     one point; 0 sums the repulsion over every pair exactly; {@link #AUTO_THETA} (the default) is
 *     exact up to {@link #EXACT_UP_TO_POINTS} points, where it is also the faster, and 0.5 (as
 *     scikit-learn) above
 */
public record TsneOptions(
    double perplexity,
    int iterations,
    int explorationIterations,
    double earlyExaggeration,
    double learningRate,
    Init init,
    long seed,
    double theta) {

  /** Stands for scikit-learn's {@code learning_rate='auto'}. */
  public static final double AUTO_LEARNING_RATE = 0;

  /** scikit-learn's default angle, used by {@link #AUTO_THETA} for large inputs. */
  public static final double BARNES_HUT_THETA = 0.5;

  /** Stands for: exact repulsion up to {@link #EXACT_UP_TO_POINTS} points, θ 0.5 above. */
  public static final double AUTO_THETA = -1;

  /**
   * Up to here the exact pair sum beats the tree on the development machine (docs/benchmarks.md,
   * "t-SNE for the dashboard map"), and costs no approximation.
   */
  public static final int EXACT_UP_TO_POINTS = 2_500;

  /** How the embedding starts. */
  public enum Init {
    /** The first two principal components, scaled so the first has a standard deviation 1e-4. */
    PCA,
    /** Gaussian noise with standard deviation 1e-4 from the seed. */
    RANDOM
  }

  public TsneOptions {
    if (!(perplexity > 0) || !Double.isFinite(perplexity)) {
      throw new IllegalArgumentException(
          "t-SNE perplexity must be a finite number > 0, got " + perplexity);
    }
    if (explorationIterations < 0) {
      throw new IllegalArgumentException(
          "t-SNE explorationIterations must be ≥ 0, got " + explorationIterations);
    }
    if (iterations < Math.max(1, explorationIterations) || iterations > 100_000) {
      throw new IllegalArgumentException(
          "t-SNE iterations must be between max(1, explorationIterations = "
              + explorationIterations
              + ") and 100000, got "
              + iterations);
    }
    if (!(earlyExaggeration >= 1) || !Double.isFinite(earlyExaggeration)) {
      throw new IllegalArgumentException(
          "t-SNE earlyExaggeration must be a finite number ≥ 1, got " + earlyExaggeration);
    }
    if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "t-SNE learningRate must be a finite number > 0, or 0 for 'auto', got " + learningRate);
    }
    if (!(theta >= 0 && theta <= 1) && theta != AUTO_THETA) {
      throw new IllegalArgumentException(
          "t-SNE theta must be between 0 (exact) and 1, or AUTO_THETA (-1), got " + theta);
    }
    if (init == null) {
      throw new IllegalArgumentException("t-SNE init must be one of PCA, RANDOM, got null");
    }
  }

  /** scikit-learn 1.2's defaults with {@code init='pca', learning_rate='auto'}, seed 0. */
  public static TsneOptions defaults() {
    return new TsneOptions(30, 1_000, 250, 12, AUTO_LEARNING_RATE, Init.PCA, 0, AUTO_THETA);
  }

  public TsneOptions withPerplexity(double value) {
    return new TsneOptions(
        value,
        iterations,
        explorationIterations,
        earlyExaggeration,
        learningRate,
        init,
        seed,
        theta);
  }

  public TsneOptions withIterations(int value) {
    return new TsneOptions(
        perplexity,
        value,
        explorationIterations,
        earlyExaggeration,
        learningRate,
        init,
        seed,
        theta);
  }

  public TsneOptions withInit(Init value) {
    return new TsneOptions(
        perplexity,
        iterations,
        explorationIterations,
        earlyExaggeration,
        learningRate,
        value,
        seed,
        theta);
  }

  public TsneOptions withTheta(double value) {
    return new TsneOptions(
        perplexity,
        iterations,
        explorationIterations,
        earlyExaggeration,
        learningRate,
        init,
        seed,
        value);
  }

  public TsneOptions withSeed(long value) {
    return new TsneOptions(
        perplexity,
        iterations,
        explorationIterations,
        earlyExaggeration,
        learningRate,
        init,
        value,
        theta);
  }

  /** The Barnes-Hut angle for {@code n} points: the set one, or 0 / 0.5 for {@link #AUTO_THETA}. */
  double thetaFor(int n) {
    if (theta != AUTO_THETA) {
      return theta;
    }
    return n <= EXACT_UP_TO_POINTS ? 0 : BARNES_HUT_THETA;
  }

  /**
   * The learning rate for {@code n} points: the set one, or 'auto' = max(n / exaggeration / 4, 50).
   */
  double learningRateFor(int n) {
    return learningRate > 0 ? learningRate : Math.max(n / earlyExaggeration / 4, 50);
  }
}
