package io.streamtune.model.text;

import java.util.List;

/**
 * Rows of features a linear head reads: dense (MiniLM embeddings) or sparse (hashed tf-idf). Only
 * the two operations a linear model needs, so training code is the same for both.
 */
public interface FeatureRows {

  int size();

  int dimensions();

  /** Row {@code row} · {@code weights[offset .. offset + dimensions)}. */
  double dot(int row, double[] weights, int offset);

  /** {@code target[offset + j] += scale * row[j]} for every j. */
  void addScaled(int row, double scale, double[] target, int offset);

  /** A view of the given rows, in the given order. */
  default FeatureRows select(int[] rows) {
    FeatureRows all = this;
    return new FeatureRows() {
      @Override
      public int size() {
        return rows.length;
      }

      @Override
      public int dimensions() {
        return all.dimensions();
      }

      @Override
      public double dot(int row, double[] weights, int offset) {
        return all.dot(rows[row], weights, offset);
      }

      @Override
      public void addScaled(int row, double scale, double[] target, int offset) {
        all.addScaled(rows[row], scale, target, offset);
      }
    };
  }

  /** Dense rows, all of one width. */
  static FeatureRows dense(float[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != width) {
        throw new IllegalArgumentException(
            "row " + r + " has " + rows[r].length + " features, row 0 has " + width);
      }
    }
    return new FeatureRows() {
      @Override
      public int size() {
        return rows.length;
      }

      @Override
      public int dimensions() {
        return width;
      }

      @Override
      public double dot(int row, double[] weights, int offset) {
        float[] x = rows[row];
        double sum = 0;
        for (int j = 0; j < width; j++) {
          sum += x[j] * weights[offset + j];
        }
        return sum;
      }

      @Override
      public void addScaled(int row, double scale, double[] target, int offset) {
        float[] x = rows[row];
        for (int j = 0; j < width; j++) {
          target[offset + j] += scale * x[j];
        }
      }
    };
  }

  /** Sparse rows whose indices are all below {@code dimensions}. */
  static FeatureRows sparse(List<SparseVector> rows, int dimensions) {
    for (int r = 0; r < rows.size(); r++) {
      int[] indices = rows.get(r).indices();
      if (indices.length > 0 && (indices[0] < 0 || indices[indices.length - 1] >= dimensions)) {
        throw new IllegalArgumentException(
            "row " + r + " has an index outside 0.." + (dimensions - 1));
      }
    }
    return new FeatureRows() {
      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public int dimensions() {
        return dimensions;
      }

      @Override
      public double dot(int row, double[] weights, int offset) {
        return rows.get(row).dot(weights, offset);
      }

      @Override
      public void addScaled(int row, double scale, double[] target, int offset) {
        SparseVector x = rows.get(row);
        int[] indices = x.indices();
        float[] values = x.values();
        for (int i = 0; i < indices.length; i++) {
          target[offset + indices[i]] += scale * values[i];
        }
      }
    };
  }
}
