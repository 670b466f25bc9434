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

  /**
   * The vector the model classifies each row from, for a map of the rows as the model sees them: a
   * network's penultimate layer (the image CNN's and the MLP's last hidden layer), a text head's
   * input (the MiniLM embedding, folded tf-idf), a fine-tuned transformer's pooled output. Null
   * when the model has no such layer (gradient-boosted trees read the features themselves).
   *
   * @throws IllegalArgumentException when a row does not fit the model (width, missing text)
   */
  default float[][] embeddings(ScoringInputs inputs) {
    return null;
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
