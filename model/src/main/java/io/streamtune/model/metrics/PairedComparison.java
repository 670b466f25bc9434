package io.streamtune.model.metrics;

import java.util.Objects;

/**
 * The outcome of a paired test of a challenger against a reference scored on the same examples.
 *
 * @param test which test produced it: {@link PairedTests#BOOTSTRAP_MACRO_F1} or {@link
 *     PairedTests#MCNEMAR_ACCURACY}
 * @param difference the observed difference of the compared metric, challenger − reference
 * @param interval a confidence interval of that difference
 * @param pValue the two-sided p-value of the hypothesis "no difference" (see the test's method)
 */
public record PairedComparison(String test, double difference, Interval interval, double pValue) {

  public PairedComparison {
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(interval, "interval");
    if (!(pValue >= 0 && pValue <= 1)) {
      throw new IllegalArgumentException("a p-value lies in [0, 1], got " + pValue);
    }
  }
}
