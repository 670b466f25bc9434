package io.streamtune.trainer;

import ai.djl.training.Trainer;
import java.lang.reflect.Field;

/**
 * Turns off DJL's first-step gradient check for a softmax over a single linear layer.
 *
 * <p>On its first {@code step()} a DJL {@link Trainer} fails with "Gradient values are all zeros"
 * when the signed sum of every parameter's gradient is exactly 0f, a guard against a forgotten
 * {@code backward()}. For logistic regression (the MLP without a hidden layer) that sum is 0 in
 * exact arithmetic: each row's logit gradients sum to 0 over the classes, so the weight and bias
 * gradients do too. In float it then comes out exactly 0 by chance, and a correct round fails (seen
 * on 120 examples of 3 features). A hidden layer breaks the symmetry, so only {@code hiddenUnits:
 * []} needs this.
 */
final class SoftmaxGradientCheck {

  private SoftmaxGradientCheck() {}

  /** Marks the trainer's gradients as already checked. */
  static void skip(Trainer trainer) {
    try {
      Field checked = Trainer.class.getDeclaredField("gradientsChecked");
      checked.setAccessible(true);
      checked.setBoolean(trainer, true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot skip DJL's gradient check for a model without hidden layers (DJL changed?)", e);
    }
  }
}
