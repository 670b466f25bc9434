package io.streamtune.dashboard.web;

import java.util.List;

/**
 * The champion's predictions for the holdout map, so that the page marks the examples it gets
 * wrong. The Kafka adapter implements it with the model store; tests with a fixed rule.
 */
public interface HoldoutPredictor {

  /** Never predicts: the map is coloured by actual label and marks nothing. */
  HoldoutPredictor NONE =
      new HoldoutPredictor() {
        @Override
        public String model() {
          return null;
        }

        @Override
        public List<String> predict(double[][] rows) {
          throw new IllegalStateException("no model");
        }
      };

  /** Names the model that predicts now (e.g. {@code credit v3}); null while there is none. */
  String model();

  /**
   * The predicted label of each row; null when the model cannot score these rows (e.g. a text
   * model), which leaves the map unmarked.
   */
  List<String> predict(double[][] rows);
}
