package io.streamtune.model.text;

/** Macro-averaged F1: the unweighted mean of the per-class F1 scores. */
public final class MacroF1 {

  private MacroF1() {}

  /**
   * Classes that occur neither in {@code truth} nor in {@code predicted} are left out of the mean;
   * a class that occurs in one of them only scores 0.
   */
  public static double of(int[] truth, int[] predicted, int numClasses) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          "truth and predictions differ in length: " + truth.length + " vs " + predicted.length);
    }
    long[] truePositives = new long[numClasses];
    long[] actual = new long[numClasses];
    long[] guessed = new long[numClasses];
    for (int i = 0; i < truth.length; i++) {
      actual[truth[i]]++;
      guessed[predicted[i]]++;
      if (truth[i] == predicted[i]) {
        truePositives[truth[i]]++;
      }
    }
    double sum = 0;
    int classes = 0;
    for (int k = 0; k < numClasses; k++) {
      if (actual[k] == 0 && guessed[k] == 0) {
        continue;
      }
      classes++;
      sum += 2.0 * truePositives[k] / (actual[k] + guessed[k]);
    }
    return classes == 0 ? 0 : sum / classes;
  }
}
