package io.streamtune.feedback;

/**
 * What reaches a model's monitor, on one repartition topic keyed by model id so that everything
 * about a model is in one task: a labelled prediction, a label (for the label-distribution test),
 * or a promotion (a ModelVersion in Avro's single-object encoding). Exactly one is set.
 */
public record Event(Outcome outcome, String label, byte[] promoted) {

  public static Event of(Outcome outcome) {
    return new Event(outcome, null, null);
  }

  public static Event label(String label) {
    return new Event(null, label, null);
  }

  public static Event promoted(byte[] modelVersion) {
    return new Event(null, null, modelVersion);
  }
}
