package io.streamtune.serve;

import io.streamtune.preprocess.core.ValidatedRow;
import java.util.Arrays;
import java.util.List;

/**
 * What one model version predicted for one request.
 *
 * @param recordId the request's record id
 * @param labels class labels in the order of {@code probabilities}
 * @param probabilities softmax probabilities, one per label
 * @param predictedIndex the most probable class, into {@code labels}
 * @param transformVersion version of the fitted transform applied (0 for an image or text model)
 * @param input the validated tabular row the prediction was made from (null for an image or text),
 *     for monitors of the served inputs
 */
public record ServedPrediction(
    String recordId,
    String modelId,
    int version,
    List<String> labels,
    float[] probabilities,
    int predictedIndex,
    long transformVersion,
    ValidatedRow input) {

  public String predictedLabel() {
    return labels.get(predictedIndex);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ServedPrediction that
        && recordId.equals(that.recordId)
        && modelId.equals(that.modelId)
        && version == that.version
        && labels.equals(that.labels)
        && Arrays.equals(probabilities, that.probabilities)
        && predictedIndex == that.predictedIndex
        && transformVersion == that.transformVersion;
  }

  @Override
  public int hashCode() {
    return 31 * recordId.hashCode() + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return "ServedPrediction["
        + recordId
        + " -> "
        + predictedLabel()
        + " by "
        + modelId
        + " v"
        + version
        + ", p="
        + Arrays.toString(probabilities)
        + "]";
  }
}
