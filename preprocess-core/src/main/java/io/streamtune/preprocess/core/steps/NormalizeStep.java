package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.spec.StepSpec;

/** Scales each row to unit L2 norm (scikit-learn Normalizer); a zero row stays zero. */
final class NormalizeStep implements Step {

  static Step of(StepSpec.Normalize spec, StepInput in) {
    return new NormalizeStep();
  }

  @Override
  public void fit(Frame in, int label) {}

  @Override
  public Frame transform(Frame in) {
    double sum = 0;
    for (double x : in.numbers) {
      sum += x * x;
    }
    double norm = Math.sqrt(sum);
    if (norm < 10 * Math.ulp(1.0)) {
      return in;
    }
    for (int i = 0; i < in.numbers.length; i++) {
      in.numbers[i] /= norm;
    }
    return in;
  }

  @Override
  public void save(ObjectNode node) {
    node.put("norm", "l2");
  }

  @Override
  public void load(JsonNode node) {}
}
