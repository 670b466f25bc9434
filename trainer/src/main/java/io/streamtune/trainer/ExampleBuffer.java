package io.streamtune.trainer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The bounded set of training examples a round trains on: a reservoir per class, each holding its
 * class's most recent examples plus a replay share of its older ones.
 *
 * <p>Every class gets {@code capacity / classes} slots and {@code maxBytes / classes} bytes, so a
 * frequent class cannot crowd a rare one out (the round's class weights then balance what is held).
 * Within a class, {@code replayShare} of the slots are a uniform sample (Vitter's algorithm R) of
 * every example that has left the recent part; the others hold the newest examples, first in first
 * out. New examples therefore always get in (the model follows drift), while a fixed share of old
 * ones stays to be replayed (less forgetting). When a class exceeds its bytes, it drops replay
 * examples at random first, then its oldest recent ones.
 *
 * <p>An example is a feature row (tabular), 8-bit pixels (image) or a string (text). The replay
 * draws come from a {@link Random} seeded from the spec, so a replayed stream gives the same
 * buffer. Not thread-safe: the consumer thread adds, and takes a {@link #snapshot()} for each
 * round; stored examples are never modified, so a snapshot shares them safely.
 */
public final class ExampleBuffer {

  /**
   * One buffered example; exactly one of {@code features}, {@code image}, {@code text} is set.
   *
   * @param id the example id (to cache text embeddings by), may be null
   */
  public record Item(String id, int label, float[] features, byte[] image, String text) {

    static final int OVERHEAD_BYTES = 64;

    /** An estimate of the heap this example takes. */
    public long bytes() {
      long size = OVERHEAD_BYTES + (id == null ? 0 : 2L * id.length());
      if (features != null) {
        size += 4L * features.length;
      }
      if (image != null) {
        size += image.length;
      }
      if (text != null) {
        size += 2L * text.length();
      }
      return size;
    }
  }

  private static final class ClassReservoir {
    final ArrayDeque<Item> recent = new ArrayDeque<>();
    final ArrayList<Item> replay = new ArrayList<>();
    long leftRecent;
    long bytes;
  }

  private final int capacity;
  private final long maxBytes;
  private final double replayShare;
  private final int numClasses;
  private final int recentSlots;
  private final int replaySlots;
  private final long bytesPerClass;
  private final ClassReservoir[] classes;
  private Random random;
  private long totalAdded;
  private int featureCount = -1;

  /** A buffer bounded in examples only (bytes effectively unbounded), with half replay. */
  public ExampleBuffer(int capacity, int numClasses, long seed) {
    this(capacity, Long.MAX_VALUE, 0.5, numClasses, seed);
  }

  public ExampleBuffer(int capacity, long maxBytes, double replayShare, int numClasses, long seed) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    }
    if (capacity < numClasses) {
      throw new IllegalArgumentException(
          "capacity must be at least one slot per class (" + numClasses + "), got " + capacity);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    }
    if (!(replayShare >= 0 && replayShare <= 1)) {
      throw new IllegalArgumentException("replayShare must be in [0, 1], got " + replayShare);
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.replayShare = replayShare;
    this.numClasses = numClasses;
    int perClass = capacity / numClasses;
    this.replaySlots = (int) Math.floor(perClass * replayShare);
    this.recentSlots = perClass - replaySlots;
    this.bytesPerClass = maxBytes / numClasses;
    this.random = new Random(seed);
    this.classes = new ClassReservoir[numClasses];
    for (int c = 0; c < numClasses; c++) {
      classes[c] = new ClassReservoir();
    }
  }

  /**
   * Why a feature row cannot be added, or empty when it can: a label outside the classes, a feature
   * vector of another width than the first one added (or than {@code expectedFeatureCount} when it
   * is positive), or a non-finite feature.
   */
  public Optional<String> problemWith(
      List<Float> values, int labelIndex, int expectedFeatureCount) {
    Optional<String> label = labelProblem(labelIndex);
    if (label.isPresent()) {
      return label;
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

  /** Why a label index cannot be buffered, or empty. */
  public Optional<String> labelProblem(int labelIndex) {
    if (labelIndex < 0 || labelIndex >= numClasses) {
      return Optional.of(
          "labelIndex " + labelIndex + " is outside [0, " + numClasses + ") of the spec's classes");
    }
    return Optional.empty();
  }

  /** Adds one feature row (copied). */
  public boolean add(float[] example, int labelIndex) {
    return add(new Item(null, labelIndex, example.clone(), null, null));
  }

  /**
   * Adds one example (not copied: the caller hands it over).
   *
   * @return true when it was stored, false when the replay draw left it out at once (only with no
   *     recent slots)
   * @throws IllegalArgumentException for a label outside the classes or a feature row of another
   *     width than the buffer's
   */
  public boolean add(Item item) {
    int label = item.label();
    if (label < 0 || label >= numClasses) {
      throw new IllegalArgumentException(
          "labelIndex " + label + " is outside [0, " + numClasses + ")");
    }
    if (item.features() != null) {
      if (featureCount < 0) {
        featureCount = item.features().length;
      } else if (item.features().length != featureCount) {
        throw new IllegalArgumentException(
            "example has "
                + item.features().length
                + " features, the buffer holds "
                + featureCount);
      }
    }
    totalAdded++;
    ClassReservoir reservoir = classes[label];
    boolean stored;
    if (recentSlots > 0) {
      reservoir.recent.addLast(item);
      reservoir.bytes += item.bytes();
      stored = true;
      if (reservoir.recent.size() > recentSlots) {
        Item old = reservoir.recent.removeFirst();
        reservoir.bytes -= old.bytes();
        offerReplay(reservoir, old);
      }
    } else {
      stored = offerReplay(reservoir, item);
    }
    while (reservoir.bytes > bytesPerClass && size(reservoir) > 0) {
      Item dropped =
          !reservoir.replay.isEmpty()
              ? reservoir.replay.remove(random.nextInt(reservoir.replay.size()))
              : reservoir.recent.removeFirst();
      reservoir.bytes -= dropped.bytes();
      stored &= dropped != item;
    }
    return stored;
  }

  /**
   * After a concept drift: forgets the replayed sample of every class (it holds the old concept),
   * and with {@code keepRecent} >= 0 also all but each class's {@code keepRecent} newest examples.
   * The replay sample starts again from the examples that leave the recent part from now on.
   *
   * @param keepRecent newest examples kept per class, or -1 to keep every recent one
   * @return examples forgotten
   */
  public int forgetOlderConcept(int keepRecent) {
    int forgotten = 0;
    for (ClassReservoir reservoir : classes) {
      for (Item item : reservoir.replay) {
        reservoir.bytes -= item.bytes();
      }
      forgotten += reservoir.replay.size();
      reservoir.replay.clear();
      reservoir.leftRecent = 0;
      while (keepRecent >= 0 && reservoir.recent.size() > keepRecent) {
        reservoir.bytes -= reservoir.recent.removeFirst().bytes();
        forgotten++;
      }
    }
    return forgotten;
  }

  /** Algorithm R over the examples that leave the recent part. */
  private boolean offerReplay(ClassReservoir reservoir, Item item) {
    reservoir.leftRecent++;
    if (replaySlots == 0) {
      return false;
    }
    if (reservoir.replay.size() < replaySlots) {
      reservoir.replay.add(item);
      reservoir.bytes += item.bytes();
      return true;
    }
    long draw = nextLong(reservoir.leftRecent);
    if (draw >= replaySlots) {
      return false;
    }
    Item replaced = reservoir.replay.set((int) draw, item);
    reservoir.bytes += item.bytes() - replaced.bytes();
    return true;
  }

  private long nextLong(long bound) {
    return bound <= Integer.MAX_VALUE
        ? random.nextInt((int) bound)
        : (random.nextLong() & Long.MAX_VALUE) % bound;
  }

  private static int size(ClassReservoir reservoir) {
    return reservoir.recent.size() + reservoir.replay.size();
  }

  public int size() {
    int size = 0;
    for (ClassReservoir reservoir : classes) {
      size += size(reservoir);
    }
    return size;
  }

  /** Estimated bytes of the held examples. */
  public long bytes() {
    long bytes = 0;
    for (ClassReservoir reservoir : classes) {
      bytes += reservoir.bytes;
    }
    return bytes;
  }

  public int capacity() {
    return capacity;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public double replayShare() {
    return replayShare;
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
    long[] counts = new long[numClasses];
    for (int c = 0; c < numClasses; c++) {
      counts[c] = size(classes[c]);
    }
    return counts;
  }

  /** Held examples of one class that are in its replay share (older examples). */
  public int replayCount(int label) {
    return classes[label].replay.size();
  }

  /** The held examples, class by class, replayed ones first, then recent ones oldest first. */
  public List<Item> items() {
    List<Item> items = new ArrayList<>(size());
    for (ClassReservoir reservoir : classes) {
      items.addAll(reservoir.replay);
      items.addAll(reservoir.recent);
    }
    return items;
  }

  /** The current contents, to train on while the buffer keeps filling. */
  public Snapshot snapshot() {
    return Snapshot.of(items(), numClasses);
  }

  private static final int FORMAT = 2;
  private static final int FORMAT_ROWS_ONLY = 1;

  /**
   * Writes the whole buffer, including the random state, so a restored buffer goes on exactly as
   * this one would have.
   */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeInt(capacity);
    out.writeInt(numClasses);
    out.writeLong(maxBytes);
    out.writeDouble(replayShare);
    out.writeInt(featureCount);
    out.writeLong(totalAdded);
    ByteArrayOutputStream randomBytes = new ByteArrayOutputStream();
    try (ObjectOutputStream objects = new ObjectOutputStream(randomBytes)) {
      objects.writeObject(random);
    }
    out.writeInt(randomBytes.size());
    out.write(randomBytes.toByteArray());
    for (ClassReservoir reservoir : classes) {
      out.writeLong(reservoir.leftRecent);
      out.writeInt(reservoir.replay.size());
      for (Item item : reservoir.replay) {
        writeItem(out, item);
      }
      out.writeInt(reservoir.recent.size());
      for (Item item : reservoir.recent) {
        writeItem(out, item);
      }
    }
  }

  private static void writeItem(DataOutputStream out, Item item) throws IOException {
    out.writeInt(item.label());
    writeString(out, item.id());
    float[] features = item.features();
    out.writeInt(features == null ? -1 : features.length);
    if (features != null) {
      for (float value : features) {
        out.writeFloat(value);
      }
    }
    out.writeInt(item.image() == null ? -1 : item.image().length);
    if (item.image() != null) {
      out.write(item.image());
    }
    writeString(out, item.text());
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static Item readItem(DataInputStream in) throws IOException {
    int label = in.readInt();
    String id = readString(in);
    int width = in.readInt();
    float[] features = null;
    if (width >= 0) {
      features = new float[width];
      for (int i = 0; i < width; i++) {
        features[i] = in.readFloat();
      }
    }
    int imageLength = in.readInt();
    byte[] image = null;
    if (imageLength >= 0) {
      image = new byte[imageLength];
      in.readFully(image);
    }
    return new Item(id, label, features, image, readString(in));
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Reads a buffer written by {@link #writeTo} (or by the earlier uniform reservoir, format 1). Its
   * capacity and classes must be the ones given (the spec's), or the snapshot belongs to another
   * configuration. When the byte limit or replay share changed, the held examples are re-added in
   * order under the new limits.
   */
  private static final int MAX_RANDOM_STATE_BYTES = 4_096;

  private static final ObjectInputFilter RANDOM_ONLY =
      ObjectInputFilter.Config.createFilter(
          "java.util.Random;!*;maxdepth=2;maxrefs=8;maxbytes=" + MAX_RANDOM_STATE_BYTES);

  public static ExampleBuffer readFrom(
      DataInputStream in, int capacity, long maxBytes, double replayShare, int numClasses)
      throws IOException {
    int format = in.readInt();
    if (format != FORMAT && format != FORMAT_ROWS_ONLY) {
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
    long storedMaxBytes = format == FORMAT ? in.readLong() : Long.MAX_VALUE;
    double storedReplayShare = format == FORMAT ? in.readDouble() : -1;
    int featureCount = in.readInt();
    int rowsOnlySize = format == FORMAT_ROWS_ONLY ? in.readInt() : 0;
    long totalAdded = in.readLong();
    int randomLength = in.readInt();
    if (randomLength < 0 || randomLength > MAX_RANDOM_STATE_BYTES) {
      throw new IOException(
          "the snapshot's random state claims "
              + randomLength
              + " bytes (a java.util.Random takes about 100)");
    }
    byte[] randomBytes = new byte[randomLength];
    in.readFully(randomBytes);
    Random random;
    try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(randomBytes))) {
      // a snapshot file is input like any other: nothing but java.util.Random is deserialized
      objects.setObjectInputFilter(RANDOM_ONLY);
      random = (Random) objects.readObject();
    } catch (ClassNotFoundException | ClassCastException | InvalidClassException e) {
      throw new IOException("the snapshot's random state is unreadable: " + e.getMessage(), e);
    }
    ExampleBuffer buffer = new ExampleBuffer(capacity, maxBytes, replayShare, numClasses, 0);
    buffer.random = random;
    if (format == FORMAT_ROWS_ONLY) {
      for (int row = 0; row < rowsOnlySize; row++) {
        int label = in.readInt();
        float[] features = new float[featureCount];
        for (int f = 0; f < featureCount; f++) {
          features[f] = in.readFloat();
        }
        buffer.add(new Item(null, label, features, null, null));
      }
      buffer.totalAdded = totalAdded;
      return buffer;
    }
    boolean sameLimits = storedMaxBytes == maxBytes && storedReplayShare == replayShare;
    List<Item> replayed = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      ClassReservoir reservoir = buffer.classes[c];
      long leftRecent = in.readLong();
      int replaySize = in.readInt();
      List<Item> replay = new ArrayList<>();
      for (int i = 0; i < replaySize; i++) {
        replay.add(readItem(in));
      }
      int recentSize = in.readInt();
      List<Item> recent = new ArrayList<>();
      for (int i = 0; i < recentSize; i++) {
        recent.add(readItem(in));
      }
      if (sameLimits) {
        reservoir.leftRecent = leftRecent;
        reservoir.replay.addAll(replay);
        reservoir.recent.addAll(recent);
        for (Item item : replay) {
          reservoir.bytes += item.bytes();
        }
        for (Item item : recent) {
          reservoir.bytes += item.bytes();
        }
      } else {
        replayed.addAll(replay);
        replayed.addAll(recent);
      }
    }
    for (Item item : replayed) {
      buffer.add(item);
    }
    buffer.featureCount = featureCount;
    buffer.totalAdded = totalAdded;
    return buffer;
  }

  /**
   * Training data: the held examples and their class indices, with the feature rows, images or
   * texts pulled out for the modality's trainer.
   */
  public record Snapshot(float[][] features, int[] labels, int numClasses, List<Item> items) {
    public Snapshot {
      if (features.length != labels.length) {
        throw new IllegalArgumentException(
            features.length + " feature rows but " + labels.length + " labels");
      }
    }

    /** Feature rows only (tabular). */
    public Snapshot(float[][] features, int[] labels, int numClasses) {
      this(features, labels, numClasses, rowsAsItems(features, labels));
    }

    static Snapshot of(List<Item> items, int numClasses) {
      float[][] features = new float[items.size()][];
      int[] labels = new int[items.size()];
      for (int i = 0; i < labels.length; i++) {
        features[i] = items.get(i).features();
        labels[i] = items.get(i).label();
      }
      return new Snapshot(features, labels, numClasses, List.copyOf(items));
    }

    private static List<Item> rowsAsItems(float[][] features, int[] labels) {
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < Math.min(features.length, labels.length); i++) {
        items.add(new Item(null, labels[i], features[i], null, null));
      }
      return items;
    }

    public int size() {
      return labels.length;
    }

    public int featureCount() {
      return features.length == 0 || features[0] == null ? 0 : features[0].length;
    }

    public byte[][] images() {
      return items.stream().map(Item::image).toArray(byte[][]::new);
    }

    public List<String> texts() {
      return items.stream().map(Item::text).toList();
    }

    public List<String> ids() {
      return items.stream().map(Item::id).toList();
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
