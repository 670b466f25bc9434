package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;

/**
 * Masks (sets to 0) each feature whose training variance is not above the threshold, as
 * scikit-learn's VarianceThreshold decides (with threshold 0 the peak-to-peak range decides, so a
 * constant column is never kept by rounding noise). Before any training row nothing is masked.
 */
final class VarianceThresholdStep implements Step {

  private final String[] names;
  private final double threshold;
  private final Moments moments;

  static Step of(StepSpec.VarianceThreshold spec, StepInput in) {
    return new VarianceThresholdStep(in.inputNames(), spec.threshold());
  }

  VarianceThresholdStep(String[] names, double threshold) {
    this.names = names;
    this.threshold = threshold;
    this.moments = new Moments(names.length);
  }

  @Override
  public void fit(Frame in, int label) {
    for (int i = 0; i < names.length; i++) {
      moments.add(i, in.numbers[i]);
    }
  }

  double variance(int i) {
    double variance = moments.variance(i);
    if (threshold == 0 && moments.count[i] > 0) {
      variance = Math.min(variance, moments.max[i] - moments.min[i]);
    }
    return variance;
  }

  boolean kept(int i) {
    return moments.count[i] == 0 || variance(i) > threshold;
  }

  @Override
  public Frame transform(Frame in) {
    for (int i = 0; i < names.length; i++) {
      if (!kept(i)) {
        in.numbers[i] = 0.0;
      }
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.set("features", Json.strings(names));
    double[] variances = new double[names.length];
    boolean[] kept = new boolean[names.length];
    for (int i = 0; i < names.length; i++) {
      variances[i] = variance(i);
      kept[i] = kept(i);
    }
    node.set("variances", Json.array(variances));
    node.set("kept", Json.array(kept));
    moments.save(node.putObject("moments"));
  }

  @Override
  public void load(JsonNode node) {
    moments.load(node.get("moments"));
  }
}
