package io.streamtune.feedback.drift;

import java.util.Random;

/** Seeded test streams. */
final class Streams {

  private Streams() {}

  /**
   * Bernoulli values: rate {@code before} up to {@code change} (exclusive), {@code after} from it.
   */
  static double[] bernoulli(long seed, int length, int change, double before, double after) {
    Random random = new Random(seed);
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextDouble() < (i < change ? before : after) ? 1 : 0;
    }
    return values;
  }

  /** Gaussian values with mean {@code before} then {@code after} (sd 1). */
  static double[] gaussian(long seed, int length, int change, double before, double after) {
    Random random = new Random(seed);
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = random.nextGaussian() + (i < change ? before : after);
    }
    return values;
  }
}
