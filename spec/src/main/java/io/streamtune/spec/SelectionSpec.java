package io.streamtune.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code trainer.selection} section: how {@code trainer.backbone: auto} picks its backbone. The
 * trainer runs the model selection of {@code streamtune select} on the first buffer that holds
 * {@link #MIN_EXAMPLES} examples, trains the winner from then on, and selects again when a {@code
 * RESELECT} control request (or, with {@link #AFTER_DRIFT}, a concept drift) asks. Each key is one
 * {@link Setting}.
 */
public final class SelectionSpec extends SettingSection<SelectionSpec> {

  static final String PREFIX = "trainer.selection.";

  public static final Setting<Integer> MIN_EXAMPLES =
      Setting.integer(
          "minExamples",
          200,
          10,
          "The first full buffer: the selection runs on the first round whose buffer holds at"
              + " least this many examples; rounds before it train nothing and publish no version.");
  public static final Setting<Integer> FOLDS =
      Setting.integer(
          "folds",
          0,
          0,
          20,
          "k of the stratified k-fold; 1 = one stratified 20% holdout; 0 = 5-fold up to 2,000"
              + " examples, a holdout above.");
  public static final Setting<Integer> BUDGET_SECONDS =
      Setting.integer(
          "budgetSeconds",
          0,
          0,
          "Time budget of one selection: candidates the estimate says will not fit are skipped"
              + " (cheapest first); 0 = none.");
  public static final Setting<String> CANDIDATES =
      Setting.text(
          "candidates",
          null,
          v -> !v.isBlank(),
          "a comma-separated list of candidate names",
          "Comma-separated candidates as streamtune select names them (e.g. logreg,gbt; a"
              + " backbone alone stands for its variants); not written: every candidate of the"
              + " modality.");
  public static final Setting<Integer> RESAMPLES =
      Setting.integer(
          "resamples", 1000, 100, "Bootstrap resamples of the intervals and paired tests.");
  public static final Setting<Boolean> AFTER_DRIFT =
      Setting.flag(
          "afterDrift",
          true,
          "Select again on the round a CONCEPT_DRIFT control request asks for (after the drift"
              + " policy trimmed the buffer).");

  /** Every key of the section. */
  public static final List<Setting<?>> SETTINGS =
      List.of(MIN_EXAMPLES, FOLDS, BUDGET_SECONDS, CANDIDATES, RESAMPLES, AFTER_DRIFT);

  private SelectionSpec(SettingValues values) {
    super(values);
  }

  /** Every key at its default. */
  public static SelectionSpec defaults() {
    return read(Map.of());
  }

  /**
   * Reads the section's YAML map.
   *
   * @throws SpecException naming an unknown key or a refused value with what it allows
   */
  public static SelectionSpec read(Map<?, ?> raw) {
    return new SelectionSpec(SettingValues.read(PREFIX, SETTINGS, raw));
  }

  @Override
  protected SelectionSpec copy(SettingValues changed) {
    return new SelectionSpec(changed);
  }

  public int minExamples() {
    return get(MIN_EXAMPLES);
  }

  public int folds() {
    return get(FOLDS);
  }

  public int budgetSeconds() {
    return get(BUDGET_SECONDS);
  }

  /** The candidate names written, empty when not written (every candidate of the modality). */
  public List<String> candidates() {
    String written = get(CANDIDATES);
    return written == null
        ? List.of()
        : Arrays.stream(written.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public int resamples() {
    return get(RESAMPLES);
  }

  public boolean afterDrift() {
    return get(AFTER_DRIFT);
  }
}
