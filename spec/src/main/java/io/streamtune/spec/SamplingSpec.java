package io.streamtune.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How the training split is rebalanced (the {@code sampling} section of the pipeline spec). Only
 * training examples are resampled, after the split and after feature transformation; the holdout is
 * never touched. The semantics follow imbalanced-learn 0.10 on a finite batch; docs/sampling.md
 * says what each key means on a stream.
 *
 * @param method the resampler; {@code none} leaves the training examples as they are
 * @param target {@code auto}: over-samplers raise every class to the majority class's count,
 *     under-samplers lower every class to the minority class's count (imbalanced-learn's 'auto');
 *     {@code "m:M"}: the minority:majority ratio after resampling, e.g. {@code "1:2"} (imbalanced-
 *     learn's float sampling_strategy m/M)
 * @param classWeights instead of {@code target}: the desired relative class sizes after resampling,
 *     one positive weight per class, e.g. {@code {good: 2, bad: 1}}; over-samplers only add,
 *     under-samplers only remove
 * @param kNeighbors SMOTE interpolates between a minority example and one of its k nearest
 *     neighbours of the same class
 * @param ennNeighbors edited nearest neighbours removes an example unless all of its k nearest
 *     neighbours share its class
 * @param reservoirSize on a stream: most examples per class kept as SMOTE/over-sampling parents
 * @param cleaningWindow on a stream: how many recent examples Tomek/ENN cleaning looks at; an
 *     example is decided when half a window of newer examples has arrived
 * @param idleFlushMillis on a stream: examples still waiting in the cleaning window are decided
 *     after the stream has been idle this long
 * @param seed fixes every random choice: the same input and seed give the same output
 */
public record SamplingSpec(
    Method method,
    String target,
    Map<String, Double> classWeights,
    @JsonProperty("kNeighbors") Integer kNeighbors,
    Integer ennNeighbors,
    Integer reservoirSize,
    Integer cleaningWindow,
    Long idleFlushMillis,
    Long seed)
    implements Serializable {

  public static final String AUTO = "auto";

  public SamplingSpec {
    method = method == null ? Method.NONE : method;
    target = target == null ? AUTO : target.trim();
    classWeights =
        classWeights == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(classWeights));
    kNeighbors = kNeighbors == null ? 5 : kNeighbors;
    ennNeighbors = ennNeighbors == null ? 3 : ennNeighbors;
    reservoirSize = reservoirSize == null ? 10_000 : reservoirSize;
    cleaningWindow = cleaningWindow == null ? 2_000 : cleaningWindow;
    idleFlushMillis = idleFlushMillis == null ? 2_000L : idleFlushMillis;
    seed = seed == null ? 42L : seed;
  }

  public static SamplingSpec defaults() {
    return new SamplingSpec(null, null, null, null, null, null, null, null, null);
  }

  public static SamplingSpec of(Method method) {
    return new SamplingSpec(method, null, null, null, null, null, null, null, null);
  }

  public SamplingSpec withTarget(String newTarget) {
    return new SamplingSpec(
        method,
        newTarget,
        classWeights,
        kNeighbors,
        ennNeighbors,
        reservoirSize,
        cleaningWindow,
        idleFlushMillis,
        seed);
  }

  public SamplingSpec withClassWeights(Map<String, Double> weights) {
    return new SamplingSpec(
        method,
        target,
        weights,
        kNeighbors,
        ennNeighbors,
        reservoirSize,
        cleaningWindow,
        idleFlushMillis,
        seed);
  }

  public SamplingSpec withStreaming(int newReservoirSize, int newCleaningWindow, long idleMillis) {
    return new SamplingSpec(
        method,
        target,
        classWeights,
        kNeighbors,
        ennNeighbors,
        newReservoirSize,
        newCleaningWindow,
        idleMillis,
        seed);
  }

  public SamplingSpec withSeed(long newSeed) {
    return new SamplingSpec(
        method,
        target,
        classWeights,
        kNeighbors,
        ennNeighbors,
        reservoirSize,
        cleaningWindow,
        idleFlushMillis,
        newSeed);
  }

  /** The resamplers; names as in the YAML ({@code smote_tomek}). */
  public enum Method {
    NONE(false, false, Cleaning.NONE),
    RANDOM_OVER(true, false, Cleaning.NONE),
    SMOTE(true, true, Cleaning.NONE),
    RANDOM_UNDER(false, false, Cleaning.NONE),
    TOMEK(false, false, Cleaning.TOMEK),
    ENN(false, false, Cleaning.ENN),
    SMOTE_TOMEK(true, true, Cleaning.TOMEK),
    SMOTE_ENN(true, true, Cleaning.ENN);

    private final boolean overSampling;
    private final boolean interpolating;
    private final Cleaning cleaning;

    Method(boolean overSampling, boolean interpolating, Cleaning cleaning) {
      this.overSampling = overSampling;
      this.interpolating = interpolating;
      this.cleaning = cleaning;
    }

    /** Adds examples of the classes below their target (random copies or SMOTE). */
    public boolean overSampling() {
      return overSampling;
    }

    /** Adds SMOTE interpolations rather than copies. */
    public boolean interpolating() {
      return interpolating;
    }

    /** Removes examples of the classes above their target at random. */
    public boolean underSampling() {
      return this == RANDOM_UNDER;
    }

    public Cleaning cleaning() {
      return cleaning;
    }

    /**
     * Which classes cleaning may remove from: after SMOTE every class (imbalanced-learn's
     * SMOTETomek and SMOTEENN clean with 'all'), alone every class but the minority ('auto').
     */
    public boolean cleansMinority() {
      return overSampling && cleaning != Cleaning.NONE;
    }

    /** Whether {@code target} / {@code classWeights} mean anything for this method. */
    public boolean hasTarget() {
      return overSampling || underSampling();
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Cleaning {
    NONE,
    TOMEK,
    ENN
  }

  /**
   * The minority:majority ratio when {@code target} is {@code "m:M"}; empty for {@code auto}.
   *
   * @throws IllegalArgumentException when {@code target} is neither
   */
  @JsonIgnore
  public OptionalDouble minorityToMajorityRatio() {
    if (target.equalsIgnoreCase(AUTO)) {
      return OptionalDouble.empty();
    }
    String[] parts = target.split(":", -1);
    if (parts.length == 2) {
      try {
        double minority = Double.parseDouble(parts[0].trim());
        double majority = Double.parseDouble(parts[1].trim());
        if (minority > 0 && majority > 0 && minority <= majority && Double.isFinite(majority)) {
          return OptionalDouble.of(minority / majority);
        }
      } catch (NumberFormatException notANumber) {
        // falls through to the message below
      }
    }
    throw new IllegalArgumentException(
        "'"
            + target
            + "' is not a target; allowed values: auto, or \"m:M\" with 0 < m <= M (the"
            + " minority:majority ratio after resampling, e.g. \"1:2\")");
  }

  /** Checks the values against each other and against the label's classes; names the key. */
  public void validate(String origin, List<String> classes) {
    String key = "sampling.";
    try {
      minorityToMajorityRatio();
    } catch (IllegalArgumentException e) {
      throw new SpecException(origin + ": key '" + key + "target': " + e.getMessage());
    }
    if (!classWeights.isEmpty()) {
      if (!target.equalsIgnoreCase(AUTO)) {
        throw new SpecException(
            origin
                + ": keys '"
                + key
                + "target' and '"
                + key
                + "classWeights' exclude each other; give one");
      }
      for (Map.Entry<String, Double> weight : classWeights.entrySet()) {
        if (!classes.contains(weight.getKey())) {
          throw new SpecException(
              origin
                  + ": key '"
                  + key
                  + "classWeights."
                  + weight.getKey()
                  + "' is not a class; allowed: "
                  + classes);
        }
        if (weight.getValue() == null || !(weight.getValue() > 0)) {
          throw new SpecException(
              origin
                  + ": key '"
                  + key
                  + "classWeights."
                  + weight.getKey()
                  + "' must be > 0, got "
                  + weight.getValue());
        }
      }
      if (!classWeights.keySet().containsAll(classes)) {
        throw new SpecException(
            origin
                + ": key '"
                + key
                + "classWeights' must give a weight to every class "
                + classes);
      }
    }
    if (!method.hasTarget() && (!target.equalsIgnoreCase(AUTO) || !classWeights.isEmpty())) {
      throw new SpecException(
          origin
              + ": keys '"
              + key
              + "target' and '"
              + key
              + "classWeights' have no effect with method '"
              + method
              + "' (cleaning removes what it finds); remove them");
    }
    requireAtLeast(origin, key + "kNeighbors", kNeighbors, 1);
    requireAtLeast(origin, key + "ennNeighbors", ennNeighbors, 1);
    requireAtLeast(origin, key + "reservoirSize", reservoirSize, 2);
    requireAtLeast(origin, key + "cleaningWindow", cleaningWindow, 2);
    if (method.interpolating() && reservoirSize <= kNeighbors) {
      throw new SpecException(
          origin
              + ": key '"
              + key
              + "reservoirSize' must be greater than 'sampling.kNeighbors' ("
              + kNeighbors
              + "), got "
              + reservoirSize);
    }
    if (method.cleaning() == Cleaning.ENN && cleaningWindow <= ennNeighbors) {
      throw new SpecException(
          origin
              + ": key '"
              + key
              + "cleaningWindow' must be greater than 'sampling.ennNeighbors' ("
              + ennNeighbors
              + "), got "
              + cleaningWindow);
    }
    if (idleFlushMillis < 1) {
      throw new SpecException(
          origin + ": key '" + key + "idleFlushMillis' must be >= 1, got " + idleFlushMillis);
    }
  }

  private static void requireAtLeast(String origin, String key, Integer value, int minimum) {
    if (value == null || value < minimum) {
      throw new SpecException(
          origin + ": key '" + key + "' must be >= " + minimum + ", got " + value);
    }
  }
}
