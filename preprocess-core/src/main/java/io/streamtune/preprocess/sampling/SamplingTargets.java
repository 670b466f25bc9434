package io.streamtune.preprocess.sampling;

import io.streamtune.spec.SamplingSpec;
import java.util.List;
import java.util.OptionalDouble;

/**
 * How many examples of each class a resampler aims for, given the counts it has seen: the batch
 * resampler calls it once with the whole batch's counts, the stream resampler with the running
 * counts. Matches imbalanced-learn 0.10's sampling_strategy: {@code auto} is its 'auto', a ratio
 * m:M is its float m/M (binary), class weights are its dict scaled to the data. Only classes that
 * occur count; with fewer than two, every target is the count itself (nothing to balance).
 */
public final class SamplingTargets {

  private static final double ROUNDING_SLACK = 1e-9;

  private final SamplingSpec spec;
  private final List<String> classes;
  private final double[] weights;

  /**
   * @param classes the class names, in the order of the count arrays (ties between equal counts go
   *     to the first)
   */
  public SamplingTargets(SamplingSpec spec, List<String> classes) {
    this.spec = spec;
    this.classes = List.copyOf(classes);
    if (spec.classWeights().isEmpty()) {
      this.weights = null;
    } else {
      this.weights = new double[classes.size()];
      for (int c = 0; c < classes.size(); c++) {
        Double weight = spec.classWeights().get(classes.get(c));
        if (weight == null) {
          throw new IllegalArgumentException(
              "sampling.classWeights has no weight for class '" + classes.get(c) + "'");
        }
        weights[c] = weight;
      }
    }
  }

  public List<String> classes() {
    return classes;
  }

  /** Target per class for an over-sampler; never below the count. */
  public long[] overSampling(long[] counts) {
    long[] targets = counts.clone();
    if (present(counts) < 2) {
      return targets;
    }
    int majority = majority(counts);
    if (weights != null) {
      int reference = majority;
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] > 0 && counts[c] / weights[c] > counts[reference] / weights[reference]) {
          reference = c;
        }
      }
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] > 0) {
          long scaled = scaled(counts[reference], weights[c], weights[reference]);
          targets[c] = Math.max(counts[c], scaled);
        }
      }
      return targets;
    }
    OptionalDouble ratio = spec.minorityToMajorityRatio();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 0 || c == majority) {
        continue;
      }
      // imbalanced-learn: int(n_majority * ratio - n_class) new samples
      long wanted =
          ratio.isPresent()
              ? counts[c] + (long) (counts[majority] * ratio.getAsDouble() - counts[c])
              : counts[majority];
      targets[c] = Math.max(counts[c], wanted);
    }
    return targets;
  }

  /** Target per class for an under-sampler; never above the count. */
  public long[] underSampling(long[] counts) {
    long[] targets = counts.clone();
    if (present(counts) < 2) {
      return targets;
    }
    int minority = minority(counts);
    if (weights != null) {
      int reference = minority;
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] > 0 && counts[c] / weights[c] < counts[reference] / weights[reference]) {
          reference = c;
        }
      }
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] > 0) {
          long scaled = scaled(counts[reference], weights[c], weights[reference]);
          targets[c] = Math.min(counts[c], scaled);
        }
      }
      return targets;
    }
    OptionalDouble ratio = spec.minorityToMajorityRatio();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 0 || c == minority) {
        continue;
      }
      // imbalanced-learn: int(n_minority / ratio)
      long wanted =
          ratio.isPresent() ? (long) (counts[minority] / ratio.getAsDouble()) : counts[minority];
      targets[c] = Math.min(counts[c], wanted);
    }
    return targets;
  }

  private static long scaled(long referenceCount, double weight, double referenceWeight) {
    return (long) Math.floor(referenceCount * weight / referenceWeight + ROUNDING_SLACK);
  }

  static int present(long[] counts) {
    int present = 0;
    for (long count : counts) {
      if (count > 0) {
        present++;
      }
    }
    return present;
  }

  /** The class with the most examples (the first of equals); -1 when none occurs. */
  public static int majority(long[] counts) {
    int best = -1;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0 && (best < 0 || counts[c] > counts[best])) {
        best = c;
      }
    }
    return best;
  }

  /** The class with the fewest examples among those that occur (the first of equals). */
  public static int minority(long[] counts) {
    int best = -1;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0 && (best < 0 || counts[c] < counts[best])) {
        best = c;
      }
    }
    return best;
  }
}
