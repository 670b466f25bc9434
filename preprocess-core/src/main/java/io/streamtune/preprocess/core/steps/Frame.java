package io.streamtune.preprocess.core.steps;

import java.util.Arrays;

/**
 * One row as it flows between two steps: a value per feature of the frame's layout. A numeric
 * feature's value is in {@link #numbers} ({@code NaN} = missing), a categorical one's in {@link
 * #texts} ({@code null} = missing); the other array's slot is unused.
 */
public final class Frame {

  public final double[] numbers;
  public final String[] texts;

  public Frame(double[] numbers, String[] texts) {
    if (numbers.length != texts.length) {
      throw new IllegalArgumentException("numbers and texts differ in length");
    }
    this.numbers = numbers;
    this.texts = texts;
  }

  public static Frame ofWidth(int width) {
    return new Frame(new double[width], new String[width]);
  }

  public int width() {
    return numbers.length;
  }

  public Frame copy() {
    return new Frame(numbers.clone(), texts.clone());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Frame that
        && Arrays.equals(numbers, that.numbers)
        && Arrays.equals(texts, that.texts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(numbers) * 31 + Arrays.hashCode(texts);
  }

  @Override
  public String toString() {
    return "Frame" + Arrays.toString(numbers) + Arrays.toString(texts);
  }
}
