package io.streamtune.preprocess.sampling;

/**
 * A small deterministic random generator whose whole state is one {@code long}, so it can live in
 * Flink state and a restored job draws exactly what an uninterrupted one would (SplitMix64, Steele,
 * Lea and Flood 2014).
 */
public final class SplitMix64 {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long state;

  public SplitMix64(long state) {
    this.state = state;
  }

  public long state() {
    return state;
  }

  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  /** Uniform in [0, bound), without modulo bias. */
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    long draw;
    do {
      draw = nextLong() >>> 1;
    } while (draw >= limit);
    return draw % bound;
  }

  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }
}
