package io.streamtune.preprocess.augment;

/**
 * The four EDA operations (Wei and Zou, 2019), each with its rate alpha: the share of words it
 * touches (at least one word when alpha > 0).
 *
 * @param copies augmented copies per record; copy k applies one operation, chosen in turn SR, RI,
 *     RS, RD among those with alpha > 0, as in the EDA paper
 */
public record EdaAugmentation(
    double synonymReplacement,
    double randomInsertion,
    double randomSwap,
    double randomDeletion,
    int copies,
    long seed) {

  public EdaAugmentation {
    for (double alpha :
        new double[] {synonymReplacement, randomInsertion, randomSwap, randomDeletion}) {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("EDA rates must be in [0, 1], got " + alpha);
      }
    }
    if (copies < 0) {
      throw new IllegalArgumentException("copies must be >= 0, got " + copies);
    }
  }
}
