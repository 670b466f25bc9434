package io.streamtune.preprocess.core.steps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Counts of the values of one column, for the most_frequent imputer, in memory bounded by a
 * capacity. Up to {@code capacity} distinct values the counts are exact (a plain map, as before).
 * The first value beyond it turns the counts into a Space-Saving summary (Metwally, Agrawal, El
 * Abbadi 2005) with the same capacity: a new value replaces the one with the smallest count {@code
 * min} (ties: the largest value goes) and starts at {@code min + 1}, remembering {@code min} as its
 * error.
 *
 * <p>Guarantees of the summary after {@code n} values: each kept count {@code c} of a value with
 * true frequency {@code f} has {@code f <= c <= f + error <= f + n / capacity}; every value with
 * {@code f > n / capacity} is kept. So the value with the largest kept count (ties: the smallest)
 * has a true frequency within n / capacity of the mode's, and is the true mode whenever the mode
 * leads the runner-up by more than n / capacity (which implies its frequency exceeds n / capacity).
 *
 * <p>Counts only grow, and the evicted value always has the smallest count, so a caller can track
 * the mode from the counts {@link #add} returns, as with exact counts.
 */
final class ModeCounter<T extends Comparable<T>> {

  private record Slot<T>(long count, T value) {}

  private final int capacity;

  /** Each kept value's count, in a one-slot array: a count goes up with one lookup, no boxing. */
  private final Map<T, long[]> counts = new HashMap<>();

  /** Null while the counts are exact; then the error of each kept value (absent: 0). */
  private Map<T, Long> errors;

  /** Null while exact; then every kept value by (count ascending, value descending). */
  private TreeSet<Slot<T>> byCount;

  ModeCounter(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Counts one occurrence of value; returns its (possibly over-estimated) count. */
  long add(T value) {
    long[] count = counts.get(value);
    if (byCount == null) {
      if (count != null) {
        return ++count[0];
      }
      if (counts.size() < capacity) {
        counts.put(value, new long[] {1});
        return 1;
      }
      summarize();
    }
    if (count != null) {
      byCount.remove(new Slot<>(count[0], value));
      count[0]++;
      byCount.add(new Slot<>(count[0], value));
      return count[0];
    }
    Slot<T> smallest = byCount.pollFirst();
    counts.remove(smallest.value());
    errors.remove(smallest.value());
    long next = smallest.count() + 1;
    counts.put(value, new long[] {next});
    errors.put(value, smallest.count());
    byCount.add(new Slot<>(next, value));
    return next;
  }

  /** Whether the counts are a Space-Saving summary rather than exact. */
  boolean summarized() {
    return byCount != null;
  }

  /** How many values are kept (at most the capacity). */
  int size() {
    return counts.size();
  }

  /** The kept values and their counts (a copy, in the order of the counts kept). */
  Map<T, Long> counts() {
    Map<T, Long> copy = new LinkedHashMap<>();
    counts.forEach((value, count) -> copy.put(value, count[0]));
    return copy;
  }

  /** The error bound of each kept value with a non-zero one (empty while exact). */
  Map<T, Long> errors() {
    return errors == null ? Map.of() : errors;
  }

  /**
   * Restores one kept value. Restoring more values than the capacity (exact counts saved with a
   * larger capacity, or before there was one) keeps the largest counts, as a summary: a dropped
   * value's count is at most the smallest kept one, so the guarantees above hold.
   */
  void restore(T value, long count, long error) {
    counts.put(value, new long[] {count});
    if (error > 0) {
      if (errors == null) {
        errors = new HashMap<>();
      }
      errors.put(value, error);
    }
  }

  /** Ends a restore: summarized says whether the saved counts were a summary. */
  void restored(boolean summarized) {
    if (summarized || counts.size() > capacity) {
      summarize();
      while (byCount.size() > capacity) {
        Slot<T> smallest = byCount.pollFirst();
        counts.remove(smallest.value());
        errors.remove(smallest.value());
      }
    }
  }

  private void summarize() {
    if (errors == null) {
      errors = new HashMap<>();
    }
    Comparator<Slot<T>> order =
        Comparator.<Slot<T>>comparingLong(Slot::count)
            .thenComparing(Slot::value, Comparator.reverseOrder());
    byCount = new TreeSet<>(order);
    List<Slot<T>> slots = new ArrayList<>(counts.size());
    counts.forEach((value, count) -> slots.add(new Slot<>(count[0], value)));
    byCount.addAll(slots);
  }
}
