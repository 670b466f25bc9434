package io.streamtune.model.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Classification scores of predictions against actual labels, with the semantics of scikit-learn's
 * {@code classification_report(y_true, y_pred, labels=range(len(labels)), zero_division=0)}.
 *
 * <ul>
 *   <li>Every label of the model counts, whether or not it occurs in the data: the macro averages
 *       are unweighted means over <em>all</em> labels.
 *   <li>A class never predicted has precision 0 (0/0 is taken as 0), hence F1 0.
 *   <li>A class absent from the actual labels has recall 0 (0/0 is taken as 0) and F1 0, and still
 *       drags the macro averages down. This is sklearn's {@code zero_division=0} choice; it keeps
 *       scores of different versions on the same holdout comparable, and never flatters a model.
 * </ul>
 *
 * <p>Balanced accuracy is sklearn's {@code balanced_accuracy_score}: the mean recall over the
 * classes that occur in the actual labels (unlike the macro recall, a class absent from the actual
 * labels is left out rather than counted as 0). The weighted averages are sklearn's {@code
 * average="weighted"}: per-class scores weighted by support, so a class absent from the actual
 * labels weighs nothing.
 *
 * <p>The majority-class baseline is the macro F1 of always predicting the most frequent actual
 * class (ties go to the lowest class index, as sklearn's {@code DummyClassifier}).
 *
 * <p>This is the project's one scoring code: the evaluator publishes these numbers and gates on
 * them, and the trainer's validation grid ranks candidates by {@link #macroF1(int[], int[], int)},
 * so the trainer optimises exactly what the evaluator judges. A new metric is added here, as a
 * field computed from the confusion matrix, and published by the evaluator's report builder.
 */
public final class ClassificationMetrics {

  /** Scores of one class. */
  public record ClassScore(
      String label, double precision, double recall, double f1, long support) {}

  private final List<String> labels;
  private final int size;
  private final double accuracy;
  private final List<ClassScore> perClass;
  private final double macroPrecision;
  private final double macroRecall;
  private final double macroF1;
  private final double balancedAccuracy;
  private final double weightedPrecision;
  private final double weightedRecall;
  private final double weightedF1;
  private final long[][] confusionMatrix;
  private final int majorityClass;
  private final double majorityBaselineMacroF1;

  private ClassificationMetrics(
      List<String> labels,
      int size,
      double accuracy,
      List<ClassScore> perClass,
      long[][] confusionMatrix,
      int majorityClass,
      double majorityBaselineMacroF1) {
    this.labels = labels;
    this.size = size;
    this.accuracy = accuracy;
    this.perClass = perClass;
    this.macroPrecision = perClass.stream().mapToDouble(ClassScore::precision).average().orElse(0);
    this.macroRecall = perClass.stream().mapToDouble(ClassScore::recall).average().orElse(0);
    this.macroF1 = perClass.stream().mapToDouble(ClassScore::f1).average().orElse(0);
    this.balancedAccuracy =
        perClass.stream()
            .filter(score -> score.support() > 0)
            .mapToDouble(ClassScore::recall)
            .average()
            .orElse(0);
    this.weightedPrecision = supportWeighted(perClass, ClassScore::precision);
    this.weightedRecall = supportWeighted(perClass, ClassScore::recall);
    this.weightedF1 = supportWeighted(perClass, ClassScore::f1);
    this.confusionMatrix = confusionMatrix;
    this.majorityClass = majorityClass;
    this.majorityBaselineMacroF1 = majorityBaselineMacroF1;
  }

  private static double supportWeighted(
      List<ClassScore> perClass, java.util.function.ToDoubleFunction<ClassScore> score) {
    double weighted = 0;
    long total = 0;
    for (ClassScore classScore : perClass) {
      weighted += score.applyAsDouble(classScore) * classScore.support();
      total += classScore.support();
    }
    return total == 0 ? 0 : weighted / total;
  }

  /**
   * Scores {@code predicted} against {@code actual}; both hold class indexes into {@code labels}.
   *
   * @throws IllegalArgumentException when the arrays are empty or of different lengths, or an index
   *     is outside {@code labels}
   */
  public static ClassificationMetrics compute(int[] actual, int[] predicted, List<String> labels) {
    List<String> labelList = List.copyOf(labels);
    if (labelList.isEmpty()) {
      throw new IllegalArgumentException("labels must not be empty");
    }
    long[][] confusion = checkedConfusionMatrix(actual, predicted, labelList.size());
    List<ClassScore> perClass = scores(confusion, labelList);
    long correct = 0;
    for (int k = 0; k < labelList.size(); k++) {
      correct += confusion[k][k];
    }
    int majority = majorityClass(confusion);
    int[] alwaysMajority = new int[actual.length];
    java.util.Arrays.fill(alwaysMajority, majority);
    double baseline = meanF1(confusionMatrix(actual, alwaysMajority, labelList.size()));
    return new ClassificationMetrics(
        labelList,
        actual.length,
        (double) correct / actual.length,
        List.copyOf(perClass),
        confusion,
        majority,
        baseline);
  }

  /**
   * Macro F1 alone, over classes {@code 0..numClasses-1}, with the same semantics (and bit for bit
   * the same value) as {@link #compute}'s {@link #macroF1()}: a class absent from both arrays
   * scores 0 and counts in the mean.
   *
   * @throws IllegalArgumentException when the arrays are empty or of different lengths, or an index
   *     is outside {@code 0..numClasses-1}
   */
  public static double macroF1(int[] actual, int[] predicted, int numClasses) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
    }
    return meanF1(checkedConfusionMatrix(actual, predicted, numClasses));
  }

  private static long[][] checkedConfusionMatrix(int[] actual, int[] predicted, int labelCount) {
    checkScorable(actual, "predicted", predicted, labelCount);
    return confusionMatrix(actual, predicted, labelCount);
  }

  /**
   * Fails with a message naming the array when {@code predictions} cannot be scored against {@code
   * actual}: null, empty, of another length, or holding an index outside {@code 0..labelCount-1}.
   */
  static void checkScorable(int[] actual, String name, int[] predictions, int labelCount) {
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(predictions, name);
    if (labelCount < 1) {
      throw new IllegalArgumentException(
          "the number of classes must be at least 1, got " + labelCount);
    }
    checkLengths(actual.length, name, predictions.length);
    checkIndexes("actual", actual, labelCount);
    checkIndexes(name, predictions, labelCount);
  }

  /** Fails unless {@code name} has one entry per actual label, and there is at least one. */
  static void checkLengths(int actualLength, String name, int length) {
    if (actualLength != length) {
      throw new IllegalArgumentException(
          "actual has "
              + actualLength
              + " labels but "
              + name
              + " has "
              + length
              + "; they must be of the same length");
    }
    if (actualLength == 0) {
      throw new IllegalArgumentException("cannot score zero examples");
    }
  }

  private static void checkIndexes(String name, int[] indexes, int labelCount) {
    for (int i = 0; i < indexes.length; i++) {
      if (indexes[i] < 0 || indexes[i] >= labelCount) {
        throw new IllegalArgumentException(
            name
                + "["
                + i
                + "] = "
                + indexes[i]
                + " is not a class index; allowed 0.."
                + (labelCount - 1));
      }
    }
  }

  private static long[][] confusionMatrix(int[] actual, int[] predicted, int labelCount) {
    long[][] confusion = new long[labelCount][labelCount];
    for (int i = 0; i < actual.length; i++) {
      confusion[actual[i]][predicted[i]]++;
    }
    return confusion;
  }

  private static List<ClassScore> scores(long[][] confusion, List<String> labels) {
    List<ClassScore> scores = new ArrayList<>(labels.size());
    for (int k = 0; k < labels.size(); k++) {
      scores.add(score(confusion, k, labels.get(k)));
    }
    return scores;
  }

  /** The unweighted mean of the per-class F1 over every class of {@code confusion}. */
  private static double meanF1(long[][] confusion) {
    // DoubleStream.average (compensated summation), as the constructor's macro averages: the
    // trainer's and the evaluator's macro F1 agree to the last bit
    return IntStream.range(0, confusion.length)
        .mapToDouble(k -> score(confusion, k, null).f1())
        .average()
        .orElse(0);
  }

  private static ClassScore score(long[][] confusion, int k, String label) {
    long truePositives = confusion[k][k];
    long support = 0; // row sum: actual k
    long predictedAsK = 0; // column sum: predicted k
    for (int j = 0; j < confusion.length; j++) {
      support += confusion[k][j];
      predictedAsK += confusion[j][k];
    }
    double precision = ratio(truePositives, predictedAsK);
    double recall = ratio(truePositives, support);
    return new ClassScore(label, precision, recall, f1(precision, recall), support);
  }

  /**
   * Macro F1 from per-class counts (true positives, actual and predicted counts per class), the
   * same arithmetic as {@link #macroF1(int[], int[], int)}: the bootstrap resamples counts without
   * building a confusion matrix per resample and still scores bit for bit like this class.
   */
  static double macroF1FromCounts(
      long[] truePositives, long[] actualCounts, long[] predictedCounts) {
    return IntStream.range(0, truePositives.length)
        .mapToDouble(
            k ->
                f1(
                    ratio(truePositives[k], predictedCounts[k]),
                    ratio(truePositives[k], actualCounts[k])))
        .average()
        .orElse(0);
  }

  private static double f1(double precision, double recall) {
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
  }

  /** sklearn's zero_division=0: an undefined ratio counts as 0. */
  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  private static int majorityClass(long[][] confusion) {
    int best = 0;
    long bestSupport = -1;
    for (int k = 0; k < confusion.length; k++) {
      long support = 0;
      for (long count : confusion[k]) {
        support += count;
      }
      if (support > bestSupport) {
        best = k;
        bestSupport = support;
      }
    }
    return best;
  }

  public List<String> labels() {
    return labels;
  }

  /** Number of scored examples. */
  public int size() {
    return size;
  }

  public double accuracy() {
    return accuracy;
  }

  /** One entry per label, in the order of {@link #labels()}. */
  public List<ClassScore> perClass() {
    return perClass;
  }

  public double macroPrecision() {
    return macroPrecision;
  }

  public double macroRecall() {
    return macroRecall;
  }

  public double macroF1() {
    return macroF1;
  }

  /** Mean recall over the classes present in the actual labels (sklearn's balanced accuracy). */
  public double balancedAccuracy() {
    return balancedAccuracy;
  }

  /** Per-class precision weighted by support. */
  public double weightedPrecision() {
    return weightedPrecision;
  }

  /** Per-class recall weighted by support (equal to the accuracy). */
  public double weightedRecall() {
    return weightedRecall;
  }

  /** Per-class F1 weighted by support. */
  public double weightedF1() {
    return weightedF1;
  }

  /** Rows are actual classes, columns predicted, in the order of {@link #labels()}; a copy. */
  public long[][] confusionMatrix() {
    long[][] copy = new long[confusionMatrix.length][];
    for (int i = 0; i < confusionMatrix.length; i++) {
      copy[i] = confusionMatrix[i].clone();
    }
    return copy;
  }

  /** Index of the most frequent actual class (the lowest index among ties). */
  public int majorityClass() {
    return majorityClass;
  }

  /** Macro F1 of always predicting {@link #majorityClass()}. */
  public double majorityBaselineMacroF1() {
    return majorityBaselineMacroF1;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "ClassificationMetrics[n=%d, accuracy=%.4f, macroP=%.4f, macroR=%.4f, macroF1=%.4f,"
            + " baselineMacroF1=%.4f]",
        size,
        accuracy,
        macroPrecision,
        macroRecall,
        macroF1,
        majorityBaselineMacroF1);
  }
}
