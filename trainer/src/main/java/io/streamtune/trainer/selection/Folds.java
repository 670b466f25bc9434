package io.streamtune.trainer.selection;

import io.streamtune.model.training.StratifiedSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded stratified splits of example indices: k folds, or one holdout part. Every class is spread
 * over the scored parts in proportion (its examples are shuffled, then dealt round-robin), so a
 * rare class is in every fold.
 */
public final class Folds {

  /**
   * At most this many examples: k-fold with out-of-fold predictions (every example is scored once
   * and the CI rests on all of them); above it one stratified holdout part is enough and k times
   * cheaper.
   */
  public static final int K_FOLD_MAX_EXAMPLES = 2_000;

  /** Folds when the data is small and none are asked for. */
  public static final int DEFAULT_FOLDS = 5;

  /** Share scored when the data is large. */
  public static final double HOLDOUT_SHARE = 0.2;

  /** One training part and the part scored by the model trained on it; disjoint. */
  public record Fold(int[] train, int[] scored) {}

  private Folds() {}

  /**
   * The folds {@code select} uses: {@code folds} stratified folds when asked for (k >= 2), else k =
   * {@value #DEFAULT_FOLDS} up to {@value #K_FOLD_MAX_EXAMPLES} examples and one stratified holdout
   * ({@value #HOLDOUT_SHARE}) above; {@code folds = 1} asks for the holdout.
   */
  public static List<Fold> plan(int[] labels, int numClasses, int folds, long seed) {
    int k = folds > 0 ? folds : labels.length <= K_FOLD_MAX_EXAMPLES ? DEFAULT_FOLDS : 1;
    return k == 1
        ? List.of(holdout(labels, numClasses, HOLDOUT_SHARE, seed))
        : kFold(labels, numClasses, k, seed);
  }

  /**
   * k stratified folds: each example is scored in exactly one; fold i trains on the others.
   *
   * @throws IllegalArgumentException when k < 2 or a present class has fewer than k examples
   */
  public static List<Fold> kFold(int[] labels, int numClasses, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("k-fold needs k >= 2, got " + k);
    }
    int[] assignment = new int[labels.length];
    int[][] byClass = StratifiedSplit.shuffledByClass(labels, numClasses, new Random(seed));
    int next = 0;
    for (int c = 0; c < numClasses; c++) {
      if (byClass[c].length > 0 && byClass[c].length < k) {
        throw new IllegalArgumentException(
            "class index "
                + c
                + " has "
                + byClass[c].length
                + " examples, fewer than the "
                + k
                + " folds; use fewer folds");
      }
      // continue the round-robin across classes so fold sizes differ by at most one
      for (int index : byClass[c]) {
        assignment[index] = next;
        next = (next + 1) % k;
      }
    }
    List<Fold> folds = new ArrayList<>(k);
    for (int f = 0; f < k; f++) {
      folds.add(partition(assignment, f));
    }
    return folds;
  }

  /** One stratified holdout: about {@code share} of each class is scored, at least one example. */
  public static Fold holdout(int[] labels, int numClasses, double share, long seed) {
    if (!(share > 0 && share < 1)) {
      throw new IllegalArgumentException("holdout share must be in (0, 1), got " + share);
    }
    int[][] parts =
        StratifiedSplit.split(
            labels,
            numClasses,
            new Random(seed),
            members -> {
              if (members == 0) {
                return 0;
              }
              if (members < 2) {
                throw new IllegalArgumentException(
                    "every class needs at least 2 examples for a holdout split; one has "
                        + members);
              }
              return (int) Math.max(1, Math.min(members - 1, Math.round(members * share)));
            });
    return new Fold(parts[0], parts[1]);
  }

  private static Fold partition(int[] assignment, int scoredPart) {
    int scoredCount = (int) Arrays.stream(assignment).filter(a -> a == scoredPart).count();
    int[] scored = new int[scoredCount];
    int[] train = new int[assignment.length - scoredCount];
    int s = 0;
    int t = 0;
    for (int i = 0; i < assignment.length; i++) {
      if (assignment[i] == scoredPart) {
        scored[s++] = i;
      } else {
        train[t++] = i;
      }
    }
    return new Fold(train, scored);
  }
}
