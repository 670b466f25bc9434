package io.streamtune.trainer.selection;

import io.streamtune.spec.TrainerSpec;

/**
 * One model {@code streamtune select} trains and scores.
 *
 * @param name the {@code trainer.backbone} it runs, with a suffix for a variant: {@code mlp[64,32]}
 *     (hidden layers), {@code mnist-cnn:partial} (strategy), {@code minilm-finetune:last_k}
 *     (transformer strategy); {@code logreg} is the MLP without a hidden layer
 * @param trainer the spec's {@code trainer} section with this candidate's backbone and variant keys
 *     set: what {@code --write-spec} writes when it wins
 * @param sizing what was cut to fit a CPU budget (e.g. {@code maxLength 64, 2 epochs}), empty when
 *     nothing was
 * @param relativeCost seconds per training example per epoch-equivalent on one CPU core, a rough
 *     prior to order candidates cheapest first and to skip those a budget cannot hold
 */
public record Candidate(String name, TrainerSpec trainer, String sizing, double relativeCost) {

  public Candidate {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a candidate needs a name");
    }
    if (!(relativeCost > 0)) {
      throw new IllegalArgumentException("relativeCost must be > 0, got " + relativeCost);
    }
  }
}
