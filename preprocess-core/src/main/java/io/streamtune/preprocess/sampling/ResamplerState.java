package io.streamtune.preprocess.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything the stream resampler remembers, bounded by the spec: running counts per class, the
 * per-class reservoirs of SMOTE / over-sampling parents, the cleaning window, and the random
 * generator's state. It lives in Flink keyed state, so it is a POJO (public no-argument
 * constructor, getters and setters) that Flink serializes without Kryo. The neighbour indexes over
 * it are not state: {@link StreamingResampler} rebuilds them from here when needed.
 */
public class ResamplerState {

  private long random;
  private long lastKey;
  private long syntheticCount;
  private long[] seen = new long[0];
  private long[] generated = new long[0];
  private long[] passed = new long[0];
  private long[] removed = new long[0];
  private List<HeldExample> reservoir = new ArrayList<>();
  private List<HeldExample> window = new ArrayList<>();
  private int pending;

  /** For Flink's POJO serializer; use {@link #empty(int, long)}. */
  public ResamplerState() {}

  public static ResamplerState empty(int classCount, long seed) {
    ResamplerState state = new ResamplerState();
    state.random = seed;
    state.seen = new long[classCount];
    state.generated = new long[classCount];
    state.passed = new long[classCount];
    state.removed = new long[classCount];
    return state;
  }

  /** The random generator's state. */
  public long getRandom() {
    return random;
  }

  public void setRandom(long random) {
    this.random = random;
  }

  /** The last arrival key handed out (originals and synthetic examples alike). */
  public long getLastKey() {
    return lastKey;
  }

  public void setLastKey(long lastKey) {
    this.lastKey = lastKey;
  }

  /** Synthetic examples made so far; numbers their ids. */
  public long getSyntheticCount() {
    return syntheticCount;
  }

  public void setSyntheticCount(long syntheticCount) {
    this.syntheticCount = syntheticCount;
  }

  /** Training examples received, per class. */
  public long[] getSeen() {
    return seen;
  }

  public void setSeen(long[] seen) {
    this.seen = seen;
  }

  /** Synthetic examples made, per class. */
  public long[] getGenerated() {
    return generated;
  }

  public void setGenerated(long[] generated) {
    this.generated = generated;
  }

  /** Under-sampling: received examples let through, per class. */
  public long[] getPassed() {
    return passed;
  }

  public void setPassed(long[] passed) {
    this.passed = passed;
  }

  /** Examples left out (under-sampled or cleaned), per class. */
  public long[] getRemoved() {
    return removed;
  }

  public void setRemoved(long[] removed) {
    this.removed = removed;
  }

  /** SMOTE / over-sampling parents of every class (each example's label index says which). */
  public List<HeldExample> getReservoir() {
    return reservoir;
  }

  public void setReservoir(List<HeldExample> reservoir) {
    this.reservoir = reservoir;
  }

  /** The cleaning window, oldest first; the newest {@link #getPending()} are not decided yet. */
  public List<HeldExample> getWindow() {
    return window;
  }

  public void setWindow(List<HeldExample> window) {
    this.window = window;
  }

  public int getPending() {
    return pending;
  }

  public void setPending(int pending) {
    this.pending = pending;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ResamplerState that
        && random == that.random
        && lastKey == that.lastKey
        && syntheticCount == that.syntheticCount
        && pending == that.pending
        && Arrays.equals(seen, that.seen)
        && Arrays.equals(generated, that.generated)
        && Arrays.equals(passed, that.passed)
        && Arrays.equals(removed, that.removed)
        && Objects.equals(reservoir, that.reservoir)
        && Objects.equals(window, that.window);
  }

  @Override
  public int hashCode() {
    return Objects.hash(random, lastKey, syntheticCount, pending, reservoir.size(), window.size());
  }
}
