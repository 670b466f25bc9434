package io.streamtune.evaluator;

import java.util.List;

/** A loaded model version the evaluator can score: what it predicts, for which inputs. */
public interface ScoringModel extends AutoCloseable {

  /** Class labels in the order of the model's outputs. */
  List<String> labels();

  /** Input width the model takes. */
  int featureCount();

  /** The predicted class index, into {@link #labels()}, of each row. */
  int[] predict(float[][] features);

  /**
   * The predicted class index of each holdout example: from its features by default; a text model
   * reads the texts instead.
   */
  default int[] predict(HoldoutSet.Snapshot holdout) {
    return predict(holdout.features());
  }

  @Override
  void close();
}
