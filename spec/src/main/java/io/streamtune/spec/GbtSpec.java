package io.streamtune.spec;

import java.util.List;
import java.util.Map;

/**
 * The {@code trainer.gbt} section: how backbone {@code gbt} (gradient-boosted trees, XGBoost's
 * {@code hist} method) fits a tabular model. Each key is one {@link Setting}. The defaults follow
 * scikit-learn's {@code HistGradientBoostingClassifier} where XGBoost has the same knob (100
 * iterations, learning rate 0.1, at most 31 leaves per tree of unlimited depth, 255 bins, no row or
 * column subsampling, early stopping after 10 iterations without improvement); where it has none,
 * XGBoost's own default stands (minChildWeight 1 is a Hessian sum, not sklearn's 20 rows per leaf;
 * lambda 1 where sklearn's L2 is 0, which keeps the leaf values of tiny leaves bounded).
 */
public final class GbtSpec extends SettingSection<GbtSpec> {

  static final String PREFIX = "trainer.gbt.";

  /** How the rows of each class weigh in the loss. */
  public enum ClassWeight {
    /** Every row 1: the classes weigh by how often they occur. */
    NONE,
    /** Row weight n / (classes present × n_class), as the MLP's loss weighs its classes. */
    BALANCED
  }

  public static final Setting<Integer> ROUNDS =
      Setting.integer(
          "rounds",
          100,
          1,
          "Most boosting iterations per round (one tree per class per iteration; binary: one).");
  public static final Setting<Double> LEARNING_RATE =
      Setting.number(
          "learningRate", 0.1, v -> v > 0 && v <= 1, "in (0, 1]", "Shrinkage of each tree (eta).");
  public static final Setting<Integer> MAX_DEPTH =
      Setting.integer("maxDepth", 0, 0, 64, "Deepest split level; 0 = unlimited (maxLeaves).");
  public static final Setting<Integer> MAX_LEAVES =
      Setting.integer(
          "maxLeaves",
          31,
          0,
          "Most leaves per tree, grown best-first (loss-guided); 0 = grown level by level to"
              + " maxDepth.");
  public static final Setting<Double> MIN_CHILD_WEIGHT =
      Setting.number(
          "minChildWeight",
          1.0,
          v -> v >= 0,
          ">= 0",
          "Least Hessian sum (about rows × p(1-p)) a leaf must hold.");
  public static final Setting<Double> SUBSAMPLE =
      Setting.number(
          "subsample", 1.0, v -> v > 0 && v <= 1, "in (0, 1]", "Share of rows drawn per tree.");
  public static final Setting<Double> COLSAMPLE_BYTREE =
      Setting.number(
          "colsampleBytree",
          1.0,
          v -> v > 0 && v <= 1,
          "in (0, 1]",
          "Share of features drawn per tree.");
  public static final Setting<Double> LAMBDA =
      Setting.number("lambda", 1.0, v -> v >= 0, ">= 0", "L2 penalty on the leaf values.");
  public static final Setting<Integer> MAX_BIN =
      Setting.integer("maxBin", 255, 2, 65_535, "Histogram bins per feature.");
  public static final Setting<Integer> EARLY_STOPPING_ROUNDS =
      Setting.integer(
          "earlyStoppingRounds",
          10,
          1,
          "With trainer.validationFraction > 0: stop after this many iterations without a lower"
              + " validation log-loss and score with the best iteration's trees.");
  public static final Setting<ClassWeight> CLASS_WEIGHT =
      Setting.choice(
          "classWeight",
          ClassWeight.class,
          ClassWeight.BALANCED,
          "balanced (as the MLP: each class weighs as much in total) or none.");

  /** Every key of the section. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          ROUNDS,
          LEARNING_RATE,
          MAX_DEPTH,
          MAX_LEAVES,
          MIN_CHILD_WEIGHT,
          SUBSAMPLE,
          COLSAMPLE_BYTREE,
          LAMBDA,
          MAX_BIN,
          EARLY_STOPPING_ROUNDS,
          CLASS_WEIGHT);

  private GbtSpec(SettingValues values) {
    super(values);
  }

  /** Every key at its default: the section as an empty map reads. */
  public static GbtSpec defaults() {
    return read(Map.of());
  }

  /**
   * Reads the section's YAML map.
   *
   * @throws SpecException naming an unknown key or a refused value with what it allows
   */
  public static GbtSpec read(Map<?, ?> raw) {
    GbtSpec spec = new GbtSpec(SettingValues.read(PREFIX, SETTINGS, raw));
    spec.checkTreeSize();
    return spec;
  }

  @Override
  protected GbtSpec copy(SettingValues changed) {
    GbtSpec spec = new GbtSpec(changed);
    spec.checkTreeSize();
    return spec;
  }

  /** A tree needs one bound: XGBoost refuses unlimited depth with unlimited leaves. */
  private void checkTreeSize() {
    if (get(MAX_DEPTH) == 0 && get(MAX_LEAVES) == 0) {
      throw new SpecException(
          "keys '"
              + PREFIX
              + "maxDepth' and '"
              + PREFIX
              + "maxLeaves' are both 0 (unlimited); set one of them >= 1");
    }
  }
}
