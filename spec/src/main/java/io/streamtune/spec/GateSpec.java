package io.streamtune.spec;

import java.util.List;
import java.util.Map;

/**
 * The {@code evaluator.gate} section: when a challenger replaces the champion. A challenger must
 * meet the absolute thresholds; then, with no champion, beat the majority-class baseline; with a
 * champion, a paired test on the same holdout examples must find it better ({@code superior}) or
 * not worse by more than {@code margin} ({@code non_inferior}) at significance {@code alpha}.
 * README "Pipeline spec" and docs/architecture.md ("Evaluator") say what each key does.
 */
public final class GateSpec extends SettingSection<GateSpec> {

  static final String PREFIX = "evaluator.gate.";

  /** The paired test against the champion. */
  public enum Test {
    /** Paired bootstrap of the macro-F1 difference (evaluator.bootstrapResamples, seed). */
    BOOTSTRAP,
    /** McNemar's exact test of the accuracy difference. */
    MCNEMAR
  }

  /** What the test must show. */
  public enum Mode {
    /** The challenger is better: p < alpha and a positive difference. */
    SUPERIOR,
    /**
     * The challenger is not worse by more than margin: the (1 − alpha) interval's low > −margin.
     */
    NON_INFERIOR
  }

  public static final Setting<Test> TEST =
      Setting.choice(
          "test",
          Test.class,
          Test.BOOTSTRAP,
          "bootstrap (paired bootstrap of the macro-F1 difference) or mcnemar (exact McNemar test"
              + " of the accuracy difference).");
  public static final Setting<Mode> MODE =
      Setting.choice(
          "mode",
          Mode.class,
          Mode.SUPERIOR,
          "superior: promote only a significantly better challenger; non_inferior: promote one"
              + " not worse than the champion by more than margin.");
  public static final Setting<Double> ALPHA =
      Setting.number(
          "alpha",
          0.05,
          v -> v > 0 && v <= 0.5,
          "in (0, 0.5]",
          "Significance level of the paired test; the difference's interval is at 1 − alpha.");
  public static final Setting<Double> MARGIN =
      Setting.share(
          "margin",
          0.01,
          "non_inferior only: the largest loss (macro F1 or accuracy, per test) still accepted.");
  public static final Setting<Integer> MIN_HOLDOUT =
      Setting.integer(
          "minHoldout",
          30,
          1,
          "Fewest holdout examples for a paired decision against a champion; below it the"
              + " champion stays (a version with no champion is judged on any holdout).");
  public static final Setting<Double> MIN_MACRO_F1 =
      Setting.number(
          "minMacroF1",
          0.0,
          v -> v >= 0 && v <= 1,
          "in [0, 1]",
          "Absolute threshold: a challenger's holdout macro F1 must be at least this.");
  public static final Setting<Double> MIN_ACCURACY =
      Setting.number(
          "minAccuracy",
          0.0,
          v -> v >= 0 && v <= 1,
          "in [0, 1]",
          "Absolute threshold: a challenger's holdout accuracy must be at least this.");

  /** Every key of the section. */
  public static final List<Setting<?>> SETTINGS =
      List.of(TEST, MODE, ALPHA, MARGIN, MIN_HOLDOUT, MIN_MACRO_F1, MIN_ACCURACY);

  private GateSpec(SettingValues values) {
    super(values);
  }

  /** Every key at its default. */
  public static GateSpec defaults() {
    return new GateSpec(SettingValues.empty(PREFIX, SETTINGS));
  }

  /**
   * Reads the section's YAML map.
   *
   * @throws SpecException naming an unknown key or a refused value with what it allows
   */
  public static GateSpec read(Map<?, ?> raw) {
    return new GateSpec(SettingValues.read(PREFIX, SETTINGS, raw));
  }

  @Override
  protected GateSpec copy(SettingValues changed) {
    return new GateSpec(changed);
  }

  public Test test() {
    return get(TEST);
  }

  public Mode mode() {
    return get(MODE);
  }

  public double alpha() {
    return get(ALPHA);
  }

  public double margin() {
    return get(MARGIN);
  }

  public int minHoldout() {
    return get(MIN_HOLDOUT);
  }

  public double minMacroF1() {
    return get(MIN_MACRO_F1);
  }

  public double minAccuracy() {
    return get(MIN_ACCURACY);
  }
}
