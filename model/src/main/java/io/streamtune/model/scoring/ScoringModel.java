package io.streamtune.model.scoring;

import java.util.List;

/**
 * A loaded model version that scores rows: the evaluator's holdout and the serving path's requests
 * go through the same implementation. Close it when done (it may own native memory).
 */
public interface ScoringModel extends AutoCloseable {

  /** Class labels in the order of the model's outputs. */
  List<String> labels();

  /** Input width the model takes (0 for a text model, which reads the texts). */
  int featureCount();

  /**
   * Softmax class probabilities, one row per input, columns in the order of {@link #labels()}.
   *
   * @throws IllegalArgumentException when a row does not fit the model (width, missing text)
   */
  float[][] probabilities(ScoringInputs inputs);

  /** The predicted class index, into {@link #labels()}, of each row. */
  default int[] predict(ScoringInputs inputs) {
    return argMax(probabilities(inputs));
  }

  @Override
  void close();

  /** The most probable class of each row; the lowest index on a tie. */
  static int[] argMax(float[][] probabilities) {
    int[] classes = new int[probabilities.length];
    for (int row = 0; row < probabilities.length; row++) {
      float[] p = probabilities[row];
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      classes[row] = best;
    }
    return classes;
  }
}
