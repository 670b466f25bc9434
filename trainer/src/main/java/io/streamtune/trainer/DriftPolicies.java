package io.streamtune.trainer;

import io.streamtune.spec.TrainerSpec;

/** What a concept drift does to the training buffer, by the spec's {@code driftPolicy}. */
final class DriftPolicies {

  private DriftPolicies() {}

  /**
   * @return examples forgotten
   */
  static int apply(TrainerSpec settings, ExampleBuffer buffer) {
    return switch (settings.driftPolicy()) {
      case KEEP -> 0;
      case DROP_REPLAY -> buffer.forgetOlderConcept(-1);
      case RECENT -> buffer.forgetOlderConcept(settings.driftKeepRecent());
    };
  }
}
