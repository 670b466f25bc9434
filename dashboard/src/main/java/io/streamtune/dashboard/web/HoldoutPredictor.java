package io.streamtune.dashboard.web;

import io.streamtune.schemas.avro.Example;
import java.util.List;

/**
 * The champion's view of the holdout for the map: its prediction for each example, so that the page
 * marks the ones it gets wrong, and for texts and images the vector it classifies each from (the
 * embedding the map places them by). The Kafka adapter implements it with the model store; tests
 * with a fixed rule.
 */
public interface HoldoutPredictor {

  /** Never predicts: a tabular map is coloured by actual label and marks nothing. */
  HoldoutPredictor NONE =
      new HoldoutPredictor() {
        @Override
        public String model() {
          return null;
        }

        @Override
        public Scored score(List<Example> examples, boolean embed) {
          throw new IllegalStateException("no model");
        }
      };

  /**
   * What the model made of some examples.
   *
   * @param predicted the predicted label of each example
   * @param embeddings the vector the model classifies each example from, one row per example; null
   *     when not asked for or the model has none
   */
  record Scored(List<String> predicted, double[][] embeddings) {}

  /** Names the model that predicts now (e.g. {@code credit v3}); null while there is none. */
  String model();

  /**
   * Scores {@code examples} with the model named by {@link #model()}.
   *
   * @param embed whether the embeddings are wanted too (texts and images are placed by them)
   * @return null when the model cannot score these examples, which leaves the map unmarked
   */
  Scored score(List<Example> examples, boolean embed);
}
