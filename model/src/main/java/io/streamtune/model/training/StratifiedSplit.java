package io.streamtune.model.training;

import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Seeded stratified splits of row indexes: each class's rows are shuffled on their own, class by
 * class in class order with one {@link Random}, and the first of each class are held out. The one
 * implementation behind the training rounds' validation slice ({@link RoundLoop#split}), the text
 * head's validation slice and the model selection's folds and holdout.
 */
public final class StratifiedSplit {

  private StratifiedSplit() {}

  /**
   * Row indexes {@code [train, held]}, each ascending: of every class c the first {@code
   * heldOfClass(n_c)} of its shuffled rows are held, the rest train. {@code heldOfClass} is asked
   * for every class, absent ones (n_c = 0) included, and may throw to refuse a class's size.
   */
  public static int[][] split(
      int[] labels, int numClasses, Random random, IntUnaryOperator heldOfClass) {
    boolean[] held = new boolean[labels.length];
    int heldCount = 0;
    for (int[] rows : shuffledByClass(labels, numClasses, random)) {
      int take = Math.min(rows.length, heldOfClass.applyAsInt(rows.length));
      for (int i = 0; i < take; i++) {
        held[rows[i]] = true;
      }
      heldCount += Math.max(0, take);
    }
    int[] train = new int[labels.length - heldCount];
    int[] out = new int[heldCount];
    int t = 0;
    int h = 0;
    for (int row = 0; row < labels.length; row++) {
      if (held[row]) {
        out[h++] = row;
      } else {
        train[t++] = row;
      }
    }
    return new int[][] {train, out};
  }

  /**
   * The rows of each class (absent classes: an empty array), each shuffled by {@code random}
   * (Fisher-Yates, as {@link java.util.Collections#shuffle(java.util.List, Random)}), class 0
   * first.
   *
   * @throws IllegalArgumentException when a label is outside {@code [0, numClasses)}
   */
  public static int[][] shuffledByClass(int[] labels, int numClasses, Random random) {
    int[] counts = new int[numClasses];
    for (int label : labels) {
      if (label < 0 || label >= numClasses) {
        throw new IllegalArgumentException(
            "label index " + label + " outside [0, " + numClasses + ")");
      }
      counts[label]++;
    }
    int[][] byClass = new int[numClasses][];
    for (int c = 0; c < numClasses; c++) {
      byClass[c] = new int[counts[c]];
    }
    int[] filled = new int[numClasses];
    for (int row = 0; row < labels.length; row++) {
      byClass[labels[row]][filled[labels[row]]++] = row;
    }
    for (int[] rows : byClass) {
      for (int i = rows.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = rows[i];
        rows[i] = rows[j];
        rows[j] = swap;
      }
    }
    return byClass;
  }
}
