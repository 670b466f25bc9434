package io.streamtune.preprocess.sampling;

import java.util.Arrays;

/**
 * The k best candidates seen so far, ordered by squared distance and then by key, so that equally
 * distant points always come out in the same order whatever structure found them.
 */
final class NearestCollector {

  private final int capacity;
  private final double[] distances;
  private final long[] keys;
  private int size;

  NearestCollector(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.distances = new double[capacity];
    this.keys = new long[capacity];
  }

  /** Squared distance a candidate must not exceed to be kept. */
  double bound() {
    return size < capacity ? Double.POSITIVE_INFINITY : distances[capacity - 1];
  }

  void offer(double distance, long key) {
    if (size == capacity) {
      double worst = distances[capacity - 1];
      if (distance > worst || (distance == worst && key > keys[capacity - 1])) {
        return;
      }
    }
    int i = size < capacity ? size++ : capacity - 1;
    while (i > 0
        && (distances[i - 1] > distance || (distances[i - 1] == distance && keys[i - 1] > key))) {
      distances[i] = distances[i - 1];
      keys[i] = keys[i - 1];
      i--;
    }
    distances[i] = distance;
    keys[i] = key;
  }

  int size() {
    return size;
  }

  long[] keys() {
    return Arrays.copyOf(keys, size);
  }

  double[] squaredDistances() {
    return Arrays.copyOf(distances, size);
  }
}
