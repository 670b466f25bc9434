package io.streamtune.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * The {@code evaluator} section: the report's confidence intervals and latency measurement, and the
 * champion gate ({@link GateSpec}, key {@code gate}). Each key is one {@link Setting}.
 */
public final class EvaluatorSpec extends SettingSection<EvaluatorSpec> {

  static final String PREFIX = "evaluator.";

  public static final Setting<Double> MIN_MACRO_F1_GAIN =
      Setting.number(
          "minMacroF1Gain",
          0.0,
          v -> true,
          "a finite number",
          "Deprecated (superseded by gate): in gate mode superior, the observed macro-F1 gain over"
              + " the champion must also be at least this, on top of the paired test.");
  public static final Setting<Integer> BOOTSTRAP_RESAMPLES =
      Setting.integer(
          "bootstrapResamples",
          1000,
          100,
          1_000_000,
          "Resamples of the bootstrap intervals (accuracy, macro F1) and of the gate's paired"
              + " bootstrap.");
  public static final Setting<Double> CONFIDENCE_LEVEL =
      Setting.number(
          "confidenceLevel",
          0.95,
          v -> v > 0 && v < 1,
          "in (0, 1)",
          "Level of the report's accuracy and macro-F1 intervals.");
  public static final Setting<Long> SEED =
      Setting.longValue(
          "seed",
          42L,
          Long.MIN_VALUE,
          "Seed of every bootstrap: the same holdout and predictions give the same intervals.");
  public static final Setting<Integer> LATENCY_SAMPLES =
      Setting.integer(
          "latencySamples",
          100,
          0,
          "Holdout examples scored one at a time to measure latency p50/p99 (0 = not measured).");
  public static final Setting<GateSpec> GATE =
      Setting.section(
          "gate",
          GateSpec.class,
          GateSpec.defaults(),
          raw -> {
            if (!(raw instanceof Map<?, ?> map)) {
              throw new SpecException(
                  "key '" + PREFIX + "gate' must be a section of keys, got '" + raw + "'");
            }
            return GateSpec.read(map);
          },
          "When a challenger replaces the champion (GateSpec).");

  /** Every key of the section. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          MIN_MACRO_F1_GAIN, BOOTSTRAP_RESAMPLES, CONFIDENCE_LEVEL, SEED, LATENCY_SAMPLES, GATE);

  private EvaluatorSpec(SettingValues values) {
    super(values);
  }

  @Override
  protected EvaluatorSpec copy(SettingValues changed) {
    return new EvaluatorSpec(changed);
  }

  /** Every key at its default. */
  public static EvaluatorSpec defaults() {
    return new EvaluatorSpec(SettingValues.empty(PREFIX, SETTINGS));
  }

  /**
   * Reads the section's YAML map.
   *
   * @throws SpecException naming an unknown key or a refused value with what it allows
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static EvaluatorSpec read(Map<String, Object> raw) {
    return new EvaluatorSpec(SettingValues.read(PREFIX, SETTINGS, raw));
  }

  /** The keys in effect, as YAML writes them. */
  @JsonValue
  Map<String, Object> toYaml() {
    return values().toYaml();
  }

  public double minMacroF1Gain() {
    return get(MIN_MACRO_F1_GAIN);
  }

  public int bootstrapResamples() {
    return get(BOOTSTRAP_RESAMPLES);
  }

  public double confidenceLevel() {
    return get(CONFIDENCE_LEVEL);
  }

  public long seed() {
    return get(SEED);
  }

  public int latencySamples() {
    return get(LATENCY_SAMPLES);
  }

  public GateSpec gate() {
    return get(GATE);
  }
}
