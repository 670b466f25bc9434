package io.streamtune.model.text;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A multinomial logistic-regression head: one weight row and one bias per class; probabilities are
 * the softmax of the logits. Immutable; thread-safe.
 *
 * @param weights {@code numClasses × dimensions}, row-major
 * @param bias one per class
 */
public record LinearHead(int numClasses, int dimensions, double[] weights, double[] bias) {

  private static final int FORMAT = 1;

  public LinearHead {
    if (numClasses < 2) {
      throw new IllegalArgumentException("a head needs at least 2 classes, got " + numClasses);
    }
    if (weights.length != (long) numClasses * dimensions || bias.length != numClasses) {
      throw new IllegalArgumentException(
          "weights must be " + numClasses + " x " + dimensions + " and bias " + numClasses);
    }
  }

  /** All zeros: every class equally likely. */
  public static LinearHead zeros(int numClasses, int dimensions) {
    return new LinearHead(
        numClasses, dimensions, new double[numClasses * dimensions], new double[numClasses]);
  }

  public double[] logits(FeatureRows rows, int row) {
    double[] logits = new double[numClasses];
    for (int k = 0; k < numClasses; k++) {
      logits[k] = rows.dot(row, weights, k * dimensions) + bias[k];
    }
    return logits;
  }

  public double[] probabilities(FeatureRows rows, int row) {
    return softmax(logits(rows, row));
  }

  public double[] probabilities(float[] dense) {
    return probabilities(FeatureRows.dense(new float[][] {dense}), 0);
  }

  public double[] probabilities(SparseVector sparse) {
    return probabilities(FeatureRows.sparse(List.of(sparse), dimensions), 0);
  }

  /** The most likely class of every row (the lowest class index on a tie). */
  public int[] predict(FeatureRows rows) {
    requireWidth(rows);
    int[] predicted = new int[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      predicted[r] = argMax(logits(rows, r));
    }
    return predicted;
  }

  void requireWidth(FeatureRows rows) {
    if (rows.dimensions() != dimensions) {
      throw new IllegalArgumentException(
          "the head reads " + dimensions + " features, the rows have " + rows.dimensions());
    }
  }

  static int argMax(double[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (values[k] > values[best]) {
        best = k;
      }
    }
    return best;
  }

  /** Softmax in place, shifted by the maximum so that large logits do not overflow. */
  static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double z : logits) {
      max = Math.max(max, z);
    }
    double sum = 0;
    for (int k = 0; k < logits.length; k++) {
      logits[k] = Math.exp(logits[k] - max);
      sum += logits[k];
    }
    for (int k = 0; k < logits.length; k++) {
      logits[k] /= sum;
    }
    return logits;
  }

  /** Writes the head; {@link #read} gives back an equal one. */
  public void write(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(FORMAT);
    data.writeInt(numClasses);
    data.writeInt(dimensions);
    for (double w : weights) {
      data.writeDouble(w);
    }
    for (double b : bias) {
      data.writeDouble(b);
    }
    data.flush();
  }

  public static LinearHead read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int format = data.readInt();
    if (format != FORMAT) {
      throw new IOException("unknown linear head format " + format + ", expected " + FORMAT);
    }
    int numClasses = data.readInt();
    int dimensions = data.readInt();
    if (numClasses < 2 || dimensions < 0 || (long) numClasses * dimensions > Integer.MAX_VALUE) {
      throw new IOException("corrupt linear head: " + numClasses + " x " + dimensions);
    }
    double[] weights = new double[numClasses * dimensions];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = data.readDouble();
    }
    double[] bias = new double[numClasses];
    for (int k = 0; k < numClasses; k++) {
      bias[k] = data.readDouble();
    }
    return new LinearHead(numClasses, dimensions, weights, bias);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LinearHead that
        && numClasses == that.numClasses
        && dimensions == that.dimensions
        && java.util.Arrays.equals(weights, that.weights)
        && java.util.Arrays.equals(bias, that.bias);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(weights) + java.util.Arrays.hashCode(bias);
  }

  @Override
  public String toString() {
    return "LinearHead[" + numClasses + " classes x " + dimensions + " features]";
  }
}
