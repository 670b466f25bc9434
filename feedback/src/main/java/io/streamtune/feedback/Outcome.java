package io.streamtune.feedback;

import io.streamtune.schemas.avro.Label;
import io.streamtune.schemas.avro.Prediction;
import java.util.List;

/**
 * A served prediction with its true label: what the online metrics, the drift detectors and the
 * rollback test count.
 *
 * @param role {@code CHAMPION} or {@code SHADOW}
 * @param trueClassProbability the probability the model gave the true class (0 when the true class
 *     is none of the model's labels)
 * @param modelLabels the model's labels, in the order of its probabilities
 */
public record Outcome(
    String recordId,
    String modelId,
    int version,
    String role,
    String predicted,
    String actual,
    double trueClassProbability,
    List<String> modelLabels) {

  public static final String CHAMPION = "CHAMPION";
  public static final String SHADOW = "SHADOW";

  public static Outcome of(Prediction prediction, Label label) {
    String actual = label.getLabel();
    int index = prediction.getLabels().indexOf(actual);
    double p =
        index >= 0 && index < prediction.getProbabilities().size()
            ? prediction.getProbabilities().get(index)
            : 0;
    if (Double.isNaN(p)) {
      p = 0; // counts as the worst prediction rather than poisoning the window's log loss
    }
    return new Outcome(
        prediction.getRecordId(),
        prediction.getModelId(),
        prediction.getVersion(),
        prediction.getRole().name(),
        prediction.getPredictedLabel(),
        actual,
        p,
        List.copyOf(prediction.getLabels()));
  }

  public boolean correct() {
    return predicted.equals(actual);
  }

  public boolean champion() {
    return CHAMPION.equals(role);
  }
}
