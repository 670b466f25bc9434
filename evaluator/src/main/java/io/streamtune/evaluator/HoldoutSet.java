package io.streamtune.evaluator;

import io.streamtune.model.scoring.ExampleRows;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.schemas.avro.Example;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The holdout examples received so far, each counted once however often it is replayed, bounded to
 * the most recent {@code maxExamples} (the oldest is dropped first), with the offsets they came
 * from.
 *
 * <p>Examples are de-duplicated by example id. A duplicate replaces the held features only when it
 * was prepared by a newer preprocessing ({@code transformVersion}), and keeps its place in the
 * eviction order; otherwise it is ignored. All held examples have the same number of features (set
 * by the first one held); an example of another length is rejected and counted.
 *
 * <p>Not thread-safe: the evaluator's consumer loop is its only user.
 */
public final class HoldoutSet {

  /** What {@link #add} did with an example. */
  public enum Outcome {
    ADDED,
    /** Same id held already; the held example was kept. */
    DUPLICATE,
    /** Same id held already; its features were replaced by a newer transform's. */
    REPLACED,
    /** Its feature count differs from the held examples'. */
    REJECTED_FEATURE_COUNT
  }

  /**
   * Offsets of one topic partition that the held examples come from: {@code fromOffset} is the
   * offset of the oldest example still held (equal to {@code untilOffset} when none is), {@code
   * untilOffset} one past the last offset consumed. Offsets in between that are not held were
   * duplicates or rejected.
   */
  public record PartitionOffsets(String topic, int partition, long fromOffset, long untilOffset) {}

  /** An immutable copy of the held examples, in arrival order, for one evaluation. */
  public record Snapshot(
      List<String> ids,
      List<String> labels,
      int[] labelIndexes,
      float[][] features,
      long revision,
      List<String> texts) {
    public int size() {
      return ids.size();
    }

    /** The rows to score: the held features (pixels for images) and texts. */
    public ScoringInputs inputs() {
      return new ScoringInputs(ids, features, texts);
    }
  }

  private record Source(String topic, int partition) {}

  private static final class Held {
    final String label;
    final int labelIndex;
    float[] features;
    String text;
    long transformVersion;
    final Source source;
    final long offset;

    Held(
        String label,
        int labelIndex,
        float[] features,
        long transformVersion,
        Source source,
        long offset) {
      this.label = label;
      this.labelIndex = labelIndex;
      this.features = features;
      this.transformVersion = transformVersion;
      this.source = source;
      this.offset = offset;
    }
  }

  private final int maxExamples;
  private final LinkedHashMap<String, Held> byId = new LinkedHashMap<>();
  private final Map<Source, Long> untilOffsets = new HashMap<>();
  private int featureCount = -1;
  private long revision;
  private long added;
  private long duplicates;
  private long replaced;
  private long rejected;
  private long evicted;

  public HoldoutSet(int maxExamples) {
    if (maxExamples < 1) {
      throw new IllegalArgumentException("maxExamples must be at least 1, got " + maxExamples);
    }
    this.maxExamples = maxExamples;
  }

  /**
   * Adds a holdout example consumed from {@code topic}/{@code partition} at {@code offset}. An
   * image example is held as its pixels scaled to [0, 1] (its features for the image model); a text
   * example keeps its text (and no features).
   */
  public Outcome add(Example example, String topic, int partition, long offset) {
    float[] features = ExampleRows.features(example);
    Outcome outcome =
        add(
            example.getId(),
            example.getLabel(),
            example.getLabelIndex(),
            features,
            example.getTransformVersion(),
            topic,
            partition,
            offset);
    if (example.getText() != null && outcome != Outcome.REJECTED_FEATURE_COUNT) {
      Held held = byId.get(example.getId());
      if (held != null && (outcome != Outcome.DUPLICATE || held.text == null)) {
        held.text = example.getText();
      }
    }
    return outcome;
  }

  /** Adds one example; {@code features} is not copied, the caller must not change it. */
  public Outcome add(
      String id,
      String label,
      int labelIndex,
      float[] features,
      long transformVersion,
      String topic,
      int partition,
      long offset) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(features, "features");
    Source source = new Source(topic, partition);
    untilOffsets.merge(source, offset + 1, Math::max);

    if (featureCount >= 0 && features.length != featureCount) {
      rejected++;
      return Outcome.REJECTED_FEATURE_COUNT;
    }
    Held held = byId.get(id);
    if (held != null) {
      if (transformVersion > held.transformVersion) {
        held.features = features;
        held.transformVersion = transformVersion;
        replaced++;
        revision++;
        return Outcome.REPLACED;
      }
      duplicates++;
      return Outcome.DUPLICATE;
    }
    byId.put(id, new Held(label, labelIndex, features, transformVersion, source, offset));
    featureCount = features.length;
    added++;
    revision++;
    if (byId.size() > maxExamples) {
      Iterator<Map.Entry<String, Held>> oldest = byId.entrySet().iterator();
      oldest.next();
      oldest.remove();
      evicted++;
    }
    return Outcome.ADDED;
  }

  public int size() {
    return byId.size();
  }

  /**
   * Forgets all but the {@code keep} newest examples (after a concept drift the older ones hold the
   * old concept); they count as evicted.
   *
   * @return examples forgotten
   */
  public int forgetAllButNewest(int keep) {
    int forgotten = 0;
    Iterator<Map.Entry<String, Held>> oldest = byId.entrySet().iterator();
    while (byId.size() > keep && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
      forgotten++;
    }
    if (forgotten > 0) {
      evicted += forgotten;
      revision++;
    }
    return forgotten;
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  public int maxExamples() {
    return maxExamples;
  }

  /** Features per held example; empty before the first example. */
  public OptionalInt featureCount() {
    return featureCount < 0 ? OptionalInt.empty() : OptionalInt.of(featureCount);
  }

  /** Changes whenever the held examples change; equal revisions mean equal contents. */
  public long revision() {
    return revision;
  }

  public long addedCount() {
    return added;
  }

  public long duplicateCount() {
    return duplicates;
  }

  public long replacedCount() {
    return replaced;
  }

  public long rejectedCount() {
    return rejected;
  }

  public long evictedCount() {
    return evicted;
  }

  /** Per partition consumed, the offsets the held examples come from, sorted by topic/partition. */
  public List<PartitionOffsets> offsets() {
    Map<Source, Long> fromOffsets = new HashMap<>();
    for (Held held : byId.values()) {
      fromOffsets.merge(held.source, held.offset, Math::min);
    }
    List<PartitionOffsets> offsets = new ArrayList<>();
    untilOffsets.forEach(
        (source, until) ->
            offsets.add(
                new PartitionOffsets(
                    source.topic(),
                    source.partition(),
                    fromOffsets.getOrDefault(source, until),
                    until)));
    offsets.sort(
        Comparator.comparing(PartitionOffsets::topic).thenComparing(PartitionOffsets::partition));
    return offsets;
  }

  public Snapshot snapshot() {
    int n = byId.size();
    List<String> ids = new ArrayList<>(n);
    List<String> labels = new ArrayList<>(n);
    int[] labelIndexes = new int[n];
    float[][] features = new float[n][];
    List<String> texts = new ArrayList<>(n);
    int i = 0;
    for (Map.Entry<String, Held> entry : byId.entrySet()) {
      Held held = entry.getValue();
      ids.add(entry.getKey());
      labels.add(held.label);
      labelIndexes[i] = held.labelIndex;
      features[i] = held.features.clone();
      texts.add(held.text);
      i++;
    }
    return new Snapshot(
        List.copyOf(ids),
        List.copyOf(labels),
        labelIndexes,
        features,
        revision,
        java.util.Collections.unmodifiableList(texts));
  }

  @Override
  public String toString() {
    return "HoldoutSet[size="
        + size()
        + "/"
        + maxExamples
        + ", added="
        + added
        + ", duplicates="
        + duplicates
        + ", replaced="
        + replaced
        + ", rejected="
        + rejected
        + ", evicted="
        + evicted
        + "]";
  }
}
