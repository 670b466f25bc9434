package io.streamtune.preprocess.core.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.Base64;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Apache DataSketches KLL sketch per column, for streaming quantiles in bounded memory.
 *
 * <p>KLL compacts by coin flips drawn from one static {@link Random} of the library. Reseeding it
 * from (sketch, number of values) before each update makes every sketch a pure function of the
 * values it saw, so a job restored from a checkpoint continues bit for bit like an uninterrupted
 * one, and the batch mode and the stream agree. The error bound is the library's either way.
 *
 * <p>Only an update that compacts draws coin flips, and it compacts exactly when level 0 of the
 * sketch has no free slot left before it (the library's own test, on its levels array). Every other
 * update goes in without the lock and the reseed: the same flips are drawn, and the threads that
 * update sketches (the steps, the drift profile) no longer meet on the lock for each value.
 */
final class QuantileSketches {

  private static final Logger LOG = LoggerFactory.getLogger(QuantileSketches.class);
  private static final Random KLL_RANDOM = kllRandom();
  private static final VarHandle KLL_LEVELS = KLL_RANDOM == null ? null : kllLevels();

  private final KllDoublesSketch[] sketches;
  private final long salt;

  QuantileSketches(int columns, int k, long salt) {
    sketches = new KllDoublesSketch[columns];
    for (int i = 0; i < columns; i++) {
      sketches[i] = KllDoublesSketch.newHeapInstance(k);
    }
    this.salt = salt;
  }

  /** Adds a value; missing values are not counted. */
  void add(int column, double x) {
    if (Double.isNaN(x)) {
      return;
    }
    KllDoublesSketch sketch = sketches[column];
    if (KLL_RANDOM == null || !compacts(sketch)) {
      sketch.update(x);
      return;
    }
    synchronized (KLL_RANDOM) {
      KLL_RANDOM.setSeed(salt * 0x9E3779B97F4A7C15L + column * 1_000_003L + sketch.getN());
      sketch.update(x);
    }
  }

  /**
   * Adds one value per column (NaN: missing, not counted) under one reseed: the coin flips are a
   * function of (salt, rows added), so the sketches stay a pure function of the rows they saw, at a
   * fraction of {@link #add}'s cost per value. For sketches that always take whole rows.
   */
  void addRow(double[] values, long rowsBefore) {
    if (KLL_RANDOM == null || !anyCompacts(values)) {
      for (int column = 0; column < sketches.length; column++) {
        if (!Double.isNaN(values[column])) {
          sketches[column].update(values[column]);
        }
      }
      return;
    }
    synchronized (KLL_RANDOM) {
      KLL_RANDOM.setSeed(salt * 0x9E3779B97F4A7C15L + rowsBefore);
      for (int column = 0; column < sketches.length; column++) {
        if (!Double.isNaN(values[column])) {
          sketches[column].update(values[column]);
        }
      }
    }
  }

  /**
   * Whether the next update of {@code sketch} compacts (and draws coin flips): level 0 is full.
   * Without access to the levels, every update is taken to compact.
   */
  private static boolean compacts(KllDoublesSketch sketch) {
    return KLL_LEVELS == null || ((int[]) KLL_LEVELS.get(sketch))[0] == 0;
  }

  private boolean anyCompacts(double[] values) {
    for (int column = 0; column < sketches.length; column++) {
      if (!Double.isNaN(values[column]) && compacts(sketches[column])) {
        return true;
      }
    }
    return false;
  }

  long count(int column) {
    return sketches[column].getN();
  }

  /**
   * The value at a normalized rank in [0, 1] (the smallest retained value whose cumulative weight
   * reaches the rank), or {@code NaN} before any value.
   */
  double quantile(int column, double rank) {
    KllDoublesSketch sketch = sketches[column];
    return sketch.isEmpty()
        ? Double.NaN
        : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
  }

  /**
   * The share of values at or below each split point (ascending), or {@code null} before any value.
   */
  double[] cdf(int column, double[] splitPoints) {
    KllDoublesSketch sketch = sketches[column];
    if (sketch.isEmpty()) {
      return null;
    }
    double[] cdf = sketch.getCDF(splitPoints, QuantileSearchCriteria.INCLUSIVE);
    return java.util.Arrays.copyOf(cdf, splitPoints.length);
  }

  /** The documented normalized rank error of one quantile query (about 1.65 % at k = 200). */
  double rankError() {
    return sketches.length == 0 ? 0 : sketches[0].getNormalizedRankError(false);
  }

  void save(ObjectNode node) {
    ArrayNode array = node.putArray("sketches");
    for (KllDoublesSketch sketch : sketches) {
      array.add(Base64.getEncoder().encodeToString(sketch.toByteArray()));
    }
    node.put("rankError", rankError());
  }

  void load(JsonNode node) {
    JsonNode array = node.get("sketches");
    for (int i = 0; i < sketches.length; i++) {
      byte[] bytes = Base64.getDecoder().decode(array.get(i).asText());
      sketches[i] = KllDoublesSketch.heapify(Memory.wrap(bytes));
    }
  }

  /** Whether quantile parameters should be re-read after the n-th value: 1, 2, 4.. then every r. */
  static boolean refreshDue(long n, int refresh) {
    return n <= refresh ? (n & (n - 1)) == 0 : n % refresh == 0;
  }

  private static VarHandle kllLevels() {
    try {
      return MethodHandles.privateLookupIn(KllSketch.class, MethodHandles.lookup())
          .findVarHandle(KllSketch.class, "levelsArr", int[].class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot read the KLL sketches' levels ({}); every update reseeds", e.toString());
      return null;
    }
  }

  private static Random kllRandom() {
    try {
      Field field = KllSketch.class.getDeclaredField("random");
      field.setAccessible(true);
      return (Random) field.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "cannot reseed the KLL sketches ({}); quantiles stay within their error bound but a"
              + " restored job may differ slightly from an uninterrupted one",
          e.toString());
      return null;
    }
  }
}
