package io.streamtune.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * What a stored model version is: enough to rebuild its block and to map its outputs to labels.
 *
 * @param architecture a human-readable description, e.g. {@code mlp[32,16]}
 * @param labels class names in the order of the model's outputs
 * @param featureNames names of the input features in order (may be empty when unknown)
 * @param createdAt ISO-8601 instant
 */
public record ModelMetadata(
    String modelId,
    int version,
    String architecture,
    List<String> labels,
    List<String> featureNames,
    int featureCount,
    List<Integer> hiddenUnits,
    long seed,
    String createdAt) {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .build();

  public ModelMetadata {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must not be blank");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
    labels = labels == null ? List.of() : List.copyOf(labels);
    featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
    hiddenUnits = hiddenUnits == null ? List.of() : List.copyOf(hiddenUnits);
    if (labels.size() < 2) {
      throw new IllegalArgumentException("a classifier needs at least two labels, got " + labels);
    }
    if (featureCount < 1) {
      throw new IllegalArgumentException("featureCount must be >= 1, got " + featureCount);
    }
    if (!featureNames.isEmpty() && featureNames.size() != featureCount) {
      throw new IllegalArgumentException(
          "featureNames has " + featureNames.size() + " names but featureCount is " + featureCount);
    }
    hiddenUnits.forEach(
        units -> {
          if (units == null || units < 1) {
            throw new IllegalArgumentException("hiddenUnits must all be >= 1, got " + units);
          }
        });
  }

  /** Number of model outputs (one per label). */
  public int numClasses() {
    return labels.size();
  }

  /** The same metadata for another version (used by the trainer for each round). */
  public ModelMetadata withVersion(int newVersion, String newCreatedAt) {
    return new ModelMetadata(
        modelId,
        newVersion,
        architecture,
        labels,
        featureNames,
        featureCount,
        hiddenUnits,
        seed,
        newCreatedAt);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write model metadata as JSON", e);
    }
  }

  /**
   * @throws IllegalArgumentException when the JSON is not valid metadata (message says why)
   */
  public static ModelMetadata fromJson(String json) {
    try {
      return JSON.readValue(json, ModelMetadata.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "invalid model metadata JSON: " + e.getOriginalMessage(), e);
    }
  }
}
