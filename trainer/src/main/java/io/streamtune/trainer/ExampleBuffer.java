package io.streamtune.trainer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The bounded set of training examples a round trains on.
 *
 * <p>Until it is full every example is kept. After that it is a uniform reservoir sample (Vitter's
 * algorithm R) of every example ever added: the n-th example replaces a random slot with
 * probability capacity/n. Older examples therefore keep a fair share instead of being pushed out by
 * the newest ones, at the cost of adapting slowly to drift on very long streams (a per-class or
 * time-decayed reservoir is a later refinement). The replacement draws come from a {@link Random}
 * seeded from the spec, so a replayed stream gives the same buffer.
 *
 * <p>Not thread-safe: the consumer thread adds, and takes a {@link #snapshot()} for each round.
 */
public final class ExampleBuffer {

  private final int capacity;
  private final int numClasses;
  private Random random;
  private final long[] classCounts;
  // Grown on demand so a large capacity costs nothing until examples arrive.
  private float[][] storage;
  private int[] storageLabels;
  private int size;
  private long totalAdded;
  private int featureCount = -1;

  public ExampleBuffer(int capacity, int numClasses, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    this.capacity = capacity;
    this.numClasses = numClasses;
    this.random = new Random(seed);
    this.classCounts = new long[numClasses];
    this.storage = new float[Math.min(capacity, 1024)][];
    this.storageLabels = new int[Math.min(capacity, 1024)];
  }

  /**
   * Why an example cannot be added, or empty when it can: a label outside the classes, a feature
   * vector of another width than the first one added (or than {@code expectedFeatureCount} when it
   * is positive), or a non-finite feature.
   */
  public Optional<String> problemWith(
      List<Float> values, int labelIndex, int expectedFeatureCount) {
    if (labelIndex < 0 || labelIndex >= numClasses) {
      return Optional.of(
          "labelIndex " + labelIndex + " is outside [0, " + numClasses + ") of the spec's classes");
    }
    int width = expectedFeatureCount > 0 ? expectedFeatureCount : featureCount;
    if (values == null || values.isEmpty()) {
      return Optional.of("the example has no features");
    }
    if (width > 0 && values.size() != width) {
      return Optional.of("the example has " + values.size() + " features, expected " + width);
    }
    for (int i = 0; i < values.size(); i++) {
      Float value = values.get(i);
      if (value == null || !Float.isFinite(value)) {
        return Optional.of("feature " + i + " is not a finite number: " + value);
      }
    }
    return Optional.empty();
  }

  /**
   * Adds one example (copied).
   *
   * @return true when it was stored, false when the reservoir draw left it out
   * @throws IllegalArgumentException when {@link #problemWith} would name a problem
   */
  public boolean add(float[] example, int labelIndex) {
    if (labelIndex < 0 || labelIndex >= numClasses) {
      throw new IllegalArgumentException(
          "labelIndex " + labelIndex + " is outside [0, " + numClasses + ")");
    }
    if (featureCount < 0) {
      featureCount = example.length;
    } else if (example.length != featureCount) {
      throw new IllegalArgumentException(
          "example has " + example.length + " features, the buffer holds " + featureCount);
    }
    totalAdded++;
    int slot;
    if (size < capacity) {
      slot = size++;
      ensureStorage(size);
    } else {
      long draw = nextLong(totalAdded);
      if (draw >= capacity) {
        return false;
      }
      slot = (int) draw;
      classCounts[storageLabels[slot]]--;
    }
    storage[slot] = example.clone();
    storageLabels[slot] = labelIndex;
    classCounts[labelIndex]++;
    return true;
  }

  private long nextLong(long bound) {
    return bound <= Integer.MAX_VALUE
        ? random.nextInt((int) bound)
        : (random.nextLong() & Long.MAX_VALUE) % bound;
  }

  private void ensureStorage(int needed) {
    if (needed > storage.length) {
      int newLength = (int) Math.min(capacity, Math.max(needed, (long) storage.length * 2));
      storage = Arrays.copyOf(storage, newLength);
      storageLabels = Arrays.copyOf(storageLabels, newLength);
    }
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public int numClasses() {
    return numClasses;
  }

  /** Every example ever offered to {@link #add}, stored or not. */
  public long totalAdded() {
    return totalAdded;
  }

  /** Examples of each class currently in the buffer. */
  public long[] classCounts() {
    return classCounts.clone();
  }

  /**
   * The current contents, to train on while the buffer keeps filling. Stored rows are never
   * modified (a replacement swaps the row), so sharing them with the snapshot is safe.
   */
  public Snapshot snapshot() {
    return new Snapshot(
        Arrays.copyOf(storage, size), Arrays.copyOf(storageLabels, size), numClasses);
  }

  private static final int FORMAT = 1;

  /**
   * Writes the whole buffer, including the reservoir's random state, so a restored buffer goes on
   * exactly as this one would have.
   */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeInt(capacity);
    out.writeInt(numClasses);
    out.writeInt(featureCount);
    out.writeInt(size);
    out.writeLong(totalAdded);
    ByteArrayOutputStream randomBytes = new ByteArrayOutputStream();
    try (ObjectOutputStream objects = new ObjectOutputStream(randomBytes)) {
      objects.writeObject(random);
    }
    out.writeInt(randomBytes.size());
    out.write(randomBytes.toByteArray());
    for (int row = 0; row < size; row++) {
      out.writeInt(storageLabels[row]);
      for (float value : storage[row]) {
        out.writeFloat(value);
      }
    }
  }

  /**
   * Reads a buffer written by {@link #writeTo}. Its capacity and classes must be the ones given
   * (the spec's), or the snapshot belongs to another configuration.
   */
  public static ExampleBuffer readFrom(DataInputStream in, int capacity, int numClasses)
      throws IOException {
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException("unknown buffer snapshot format " + format);
    }
    int storedCapacity = in.readInt();
    int storedClasses = in.readInt();
    if (storedCapacity != capacity || storedClasses != numClasses) {
      throw new IOException(
          "the snapshot holds a buffer of capacity "
              + storedCapacity
              + " over "
              + storedClasses
              + " classes; the spec asks for "
              + capacity
              + " over "
              + numClasses);
    }
    ExampleBuffer buffer = new ExampleBuffer(capacity, numClasses, 0);
    buffer.featureCount = in.readInt();
    int size = in.readInt();
    buffer.totalAdded = in.readLong();
    byte[] randomBytes = new byte[in.readInt()];
    in.readFully(randomBytes);
    try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(randomBytes))) {
      buffer.random = (Random) objects.readObject();
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new IOException("the snapshot's random state is unreadable", e);
    }
    buffer.ensureStorage(size);
    for (int row = 0; row < size; row++) {
      int label = in.readInt();
      float[] features = new float[buffer.featureCount];
      for (int f = 0; f < features.length; f++) {
        features[f] = in.readFloat();
      }
      buffer.storage[row] = features;
      buffer.storageLabels[row] = label;
      buffer.classCounts[label]++;
    }
    buffer.size = size;
    return buffer;
  }

  /** Training data: rows of features and their class indices. */
  public record Snapshot(float[][] features, int[] labels, int numClasses) {
    public Snapshot {
      if (features.length != labels.length) {
        throw new IllegalArgumentException(
            features.length + " feature rows but " + labels.length + " labels");
      }
    }

    public int size() {
      return labels.length;
    }

    public int featureCount() {
      return features.length == 0 ? 0 : features[0].length;
    }

    public long[] classCounts() {
      long[] counts = new long[numClasses];
      for (int label : labels) {
        counts[label]++;
      }
      return counts;
    }
  }
}
