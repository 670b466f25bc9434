package io.streamtune.model.text;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.training.StratifiedSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fits a {@link LinearHead} by multinomial logistic regression with an L2 penalty (weight decay) on
 * the weights, for dense and sparse features alike. The penalty strength is tuned, because an
 * untuned probe underfits badly (macro F1 0.85 against 0.92 on SpamAssassin at 500 examples): a
 * seeded, stratified validation slice is held out, a head is fitted for each strength on the grid
 * (strongest first, each warm-started from the previous), the strength with the best validation
 * macro F1 wins (the lower validation cross-entropy breaks a tie), and the head is refitted on all
 * rows with it.
 *
 * <p>The objective is convex and minimised with full-batch L-BFGS, so the result depends on the
 * data, the options and the seed only, never on thread timing.
 */
public final class LinearHeadTrainer {

  /**
   * @param l2Grid penalty strengths to try (λ in {@code mean cross-entropy + λ/2 ‖W‖²}), each > 0.
   *     scikit-learn's multinomial C is {@code 1 / (λ n)}; its binary C is {@code 2 / (λ n)}, since
   *     it fits one weight vector where this head fits one per class
   * @param validationShare share of each class held out to choose λ, in [0, 0.5]; with 0, or when
   *     nothing can be held out, the grid's middle strength is used
   * @param maxIterations L-BFGS iterations per fit
   * @param tolerance stop when the largest gradient element falls below {@code tolerance × λ} (the
   *     criterion scikit-learn applies to its {@code C}-scaled objective), or the loss stops
   *     changing
   * @param seed for the validation split
   */
  public record Options(
      List<Double> l2Grid, double validationShare, int maxIterations, double tolerance, long seed) {
    public Options {
      l2Grid = List.copyOf(l2Grid);
      if (l2Grid.isEmpty()) {
        throw new IllegalArgumentException("l2Grid must name at least one strength");
      }
      for (double l2 : l2Grid) {
        if (!(l2 > 0) || Double.isInfinite(l2)) {
          throw new IllegalArgumentException("every l2Grid value must be > 0, got " + l2);
        }
      }
      if (!(validationShare >= 0 && validationShare <= 0.5)) {
        throw new IllegalArgumentException(
            "validationShare must be in [0, 0.5], got " + validationShare);
      }
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
      }
      if (!(tolerance > 0)) {
        throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
      }
    }

    /** λ from 1e-1 down to 1e-7 in half-decades, 20% validation, 500 iterations, tolerance 1e-4. */
    public static Options defaults(long seed) {
      return new Options(
          List.of(1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7),
          0.2,
          500,
          1e-4,
          seed);
    }

    /** One strength, no validation slice: a plain regularised fit. */
    public static Options fixed(double l2, long seed) {
      return new Options(List.of(l2), 0, 500, 1e-4, seed);
    }
  }

  /**
   * One strength tried: its validation macro F1 and mean cross-entropy (NaN without a validation
   * slice) and the L-BFGS iterations it took.
   */
  public record GridPoint(
      double l2, double validationMacroF1, double validationLoss, int iterations) {}

  /** The head refitted on all rows, the chosen strength and every strength tried. */
  public record Result(LinearHead head, double l2, List<GridPoint> grid) {}

  private static final int HISTORY = 8;
  private static final double STALL = 1e-10;

  private final Options options;

  public LinearHeadTrainer(Options options) {
    this.options = options;
  }

  /**
   * @param labels class of each row, in {@code 0 .. numClasses - 1}
   */
  public Result fit(FeatureRows rows, int[] labels, int numClasses) {
    return fit(rows, labels, numClasses, null);
  }

  /**
   * As {@link #fit(FeatureRows, int[], int)}, starting the strongest strength from {@code
   * warmStart} (the previous round's head), or from zeros when null.
   */
  public Result fit(FeatureRows rows, int[] labels, int numClasses, LinearHead warmStart) {
    if (rows.size() != labels.length) {
      throw new IllegalArgumentException(rows.size() + " rows but " + labels.length + " labels");
    }
    if (rows.size() == 0) {
      throw new IllegalArgumentException("cannot fit a head on no rows");
    }
    for (int label : labels) {
      if (label < 0 || label >= numClasses) {
        throw new IllegalArgumentException("label " + label + " outside 0.." + (numClasses - 1));
      }
    }
    LinearHead start =
        warmStart == null ? LinearHead.zeros(numClasses, rows.dimensions()) : warmStart;
    start.requireWidth(rows);
    if (start.numClasses() != numClasses) {
      throw new IllegalArgumentException(
          "the warm start has " + start.numClasses() + " classes, the data " + numClasses);
    }

    int[][] split = stratifiedSplit(labels, numClasses);
    int[] trainRows = split[0];
    int[] validationRows = split[1];
    List<GridPoint> grid = new ArrayList<>();
    double chosen;
    double[] theta = pack(start);
    if (validationRows.length == 0 || options.l2Grid().size() == 1) {
      chosen = options.l2Grid().get(options.l2Grid().size() / 2);
    } else {
      FeatureRows train = rows.select(trainRows);
      int[] trainLabels = pick(labels, trainRows);
      FeatureRows validation = rows.select(validationRows);
      int[] validationLabels = pick(labels, validationRows);
      List<Double> strongestFirst = new ArrayList<>(options.l2Grid());
      strongestFirst.sort((a, b) -> Double.compare(b, a));
      double best = -1;
      double bestLoss = Double.POSITIVE_INFINITY;
      chosen = strongestFirst.get(0);
      double[] chosenTheta = theta;
      for (double l2 : strongestFirst) {
        Objective objective = new Objective(train, trainLabels, numClasses, l2);
        theta = theta.clone();
        int iterations = minimise(objective, theta);
        LinearHead head = unpack(theta, numClasses, rows.dimensions());
        double f1 =
            ClassificationMetrics.macroF1(validationLabels, head.predict(validation), numClasses);
        double loss = crossEntropy(head, validation, validationLabels);
        grid.add(new GridPoint(l2, f1, loss, iterations));
        // a small slice ties often on F1: the lower validation loss breaks the tie
        if (f1 > best || (f1 == best && loss < bestLoss)) {
          best = f1;
          bestLoss = loss;
          chosen = l2;
          chosenTheta = theta;
        }
      }
      theta = chosenTheta.clone();
    }
    Objective all = new Objective(rows, labels, numClasses, chosen);
    int iterations = minimise(all, theta);
    if (grid.isEmpty()) {
      grid.add(new GridPoint(chosen, Double.NaN, Double.NaN, iterations));
    }
    return new Result(unpack(theta, numClasses, rows.dimensions()), chosen, List.copyOf(grid));
  }

  /** Per class, a seeded shuffle; the first {@code validationShare} of each goes to validation. */
  int[][] stratifiedSplit(int[] labels, int numClasses) {
    // a class needs one example left to train on
    return StratifiedSplit.split(
        labels,
        numClasses,
        new Random(options.seed()),
        rows -> Math.min(rows - 1, (int) Math.round(options.validationShare() * rows)));
  }

  private static double crossEntropy(LinearHead head, FeatureRows rows, int[] labels) {
    double sum = 0;
    for (int r = 0; r < rows.size(); r++) {
      double p = head.probabilities(rows, r)[labels[r]];
      sum -= Math.log(Math.max(p, 1e-300));
    }
    return sum / rows.size();
  }

  private static int[] pick(int[] values, int[] at) {
    int[] out = new int[at.length];
    for (int i = 0; i < at.length; i++) {
      out[i] = values[at[i]];
    }
    return out;
  }

  private static double[] pack(LinearHead head) {
    int weights = head.weights().length;
    double[] theta = new double[weights + head.numClasses()];
    System.arraycopy(head.weights(), 0, theta, 0, weights);
    System.arraycopy(head.bias(), 0, theta, weights, head.numClasses());
    return theta;
  }

  private static LinearHead unpack(double[] theta, int numClasses, int dimensions) {
    int weights = numClasses * dimensions;
    double[] w = new double[weights];
    double[] b = new double[numClasses];
    System.arraycopy(theta, 0, w, 0, weights);
    System.arraycopy(theta, weights, b, 0, numClasses);
    return new LinearHead(numClasses, dimensions, w, b);
  }

  /**
   * Mean cross-entropy plus {@code λ/2 ‖W‖²} (the biases are not penalised), over parameters laid
   * out as the weights row-major then the biases.
   */
  static final class Objective {
    private final FeatureRows rows;
    private final int[] labels;
    private final int numClasses;
    private final int dimensions;
    private final double l2;

    Objective(FeatureRows rows, int[] labels, int numClasses, double l2) {
      this.rows = rows;
      this.labels = labels;
      this.numClasses = numClasses;
      this.dimensions = rows.dimensions();
      this.l2 = l2;
    }

    int parameters() {
      return numClasses * dimensions + numClasses;
    }

    /** The loss at {@code theta}; its gradient is written into {@code gradient}. */
    double evaluate(double[] theta, double[] gradient) {
      java.util.Arrays.fill(gradient, 0);
      int n = rows.size();
      int biasAt = numClasses * dimensions;
      double loss = 0;
      double[] logits = new double[numClasses];
      for (int r = 0; r < n; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < numClasses; k++) {
          logits[k] = rows.dot(r, theta, k * dimensions) + theta[biasAt + k];
          max = Math.max(max, logits[k]);
        }
        double sum = 0;
        for (int k = 0; k < numClasses; k++) {
          sum += Math.exp(logits[k] - max);
        }
        double logSum = max + Math.log(sum);
        loss += logSum - logits[labels[r]];
        for (int k = 0; k < numClasses; k++) {
          double g = (Math.exp(logits[k] - logSum) - (labels[r] == k ? 1 : 0)) / n;
          if (g != 0) {
            rows.addScaled(r, g, gradient, k * dimensions);
            gradient[biasAt + k] += g;
          }
        }
      }
      loss /= n;
      double squares = 0;
      for (int i = 0; i < biasAt; i++) {
        squares += theta[i] * theta[i];
        gradient[i] += l2 * theta[i];
      }
      return loss + 0.5 * l2 * squares;
    }
  }

  /**
   * Limited-memory BFGS with a backtracking (Armijo) line search; {@code theta} is updated in
   * place.
   *
   * @return the iterations taken
   */
  int minimise(Objective objective, double[] theta) {
    double gradientTolerance = options.tolerance() * objective.l2;
    int p = objective.parameters();
    double[] gradient = new double[p];
    double[] nextTheta = new double[p];
    double[] nextGradient = new double[p];
    double[] direction = new double[p];
    double[][] s = new double[HISTORY][p];
    double[][] y = new double[HISTORY][p];
    double[] rho = new double[HISTORY];
    double[] alpha = new double[HISTORY];
    int stored = 0;
    int newest = -1;
    double loss = objective.evaluate(theta, gradient);
    int iteration = 0;
    while (iteration < options.maxIterations()) {
      if (maxAbs(gradient) <= gradientTolerance) {
        break;
      }
      iteration++;
      // two-loop recursion: direction = -H gradient
      for (int i = 0; i < p; i++) {
        direction[i] = -gradient[i];
      }
      for (int j = 0; j < stored; j++) {
        int at = Math.floorMod(newest - j, HISTORY);
        alpha[at] = rho[at] * dot(s[at], direction);
        axpy(-alpha[at], y[at], direction);
      }
      if (stored > 0) {
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        scale(gamma, direction);
      } else {
        scale(1 / Math.max(1, Math.sqrt(dot(gradient, gradient))), direction);
      }
      for (int j = stored - 1; j >= 0; j--) {
        int at = Math.floorMod(newest - j, HISTORY);
        double beta = rho[at] * dot(y[at], direction);
        axpy(alpha[at] - beta, s[at], direction);
      }
      double slope = dot(direction, gradient);
      if (!(slope < 0)) {
        // not a descent direction: forget the curvature pairs and go down the gradient
        stored = 0;
        for (int i = 0; i < p; i++) {
          direction[i] = -gradient[i];
        }
        scale(1 / Math.max(1, Math.sqrt(dot(gradient, gradient))), direction);
        slope = dot(direction, gradient);
      }
      double step = 1;
      double nextLoss = Double.NaN;
      boolean accepted = false;
      for (int tries = 0; tries < 40; tries++) {
        for (int i = 0; i < p; i++) {
          nextTheta[i] = theta[i] + step * direction[i];
        }
        nextLoss = objective.evaluate(nextTheta, nextGradient);
        if (nextLoss <= loss + 1e-4 * step * slope) {
          accepted = true;
          break;
        }
        step *= 0.5;
      }
      if (!accepted) {
        break;
      }
      newest = (newest + 1) % HISTORY;
      double sy = 0;
      double yy = 0;
      for (int i = 0; i < p; i++) {
        s[newest][i] = nextTheta[i] - theta[i];
        y[newest][i] = nextGradient[i] - gradient[i];
        sy += s[newest][i] * y[newest][i];
        yy += y[newest][i] * y[newest][i];
      }
      if (sy > 1e-12 * yy && yy > 0) {
        rho[newest] = 1 / sy;
        stored = Math.min(HISTORY, stored + 1);
      } else {
        // the slot just overwritten held the oldest pair when the history was full
        newest = Math.floorMod(newest - 1, HISTORY);
        stored = Math.min(stored, HISTORY - 1);
      }
      double change = Math.abs(loss - nextLoss);
      System.arraycopy(nextTheta, 0, theta, 0, p);
      System.arraycopy(nextGradient, 0, gradient, 0, p);
      loss = nextLoss;
      if (change <= STALL * Math.max(1, Math.abs(loss))) {
        break;
      }
    }
    return iteration;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] target) {
    for (int i = 0; i < x.length; i++) {
      target[i] += a * x[i];
    }
  }

  private static void scale(double a, double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  private static double maxAbs(double[] x) {
    double max = 0;
    for (double v : x) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
