package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.evaluator.VersionEvaluator.Evaluated;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.EvaluatorSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The default gate (paired bootstrap of macro F1, superior, α 0.05, 1,000 resamples) deciding on
 * small trained models through the VersionEvaluator: three overlapping Gaussian classes in two
 * features, 600 training examples and a holdout of 400 others.
 */
class GateOnTrainedModelsTest {

  private static final List<String> LABELS = List.of("red", "green", "blue");
  private static final double[][] CENTRES = {{0, 0}, {2, 0}, {1, 1.7}};

  private final Map<String, ScoringModel> models = new HashMap<>();
  private final VersionEvaluator evaluator =
      new VersionEvaluator(
          version -> models.get(version.getStorePath()),
          EvaluatorSpec.defaults(),
          Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC));

  private record Data(float[][] features, int[] labels) {}

  private static Data blobs(int n, long seed) {
    Random random = new Random(seed);
    float[][] features = new float[n][2];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(3);
      features[i][0] = (float) (CENTRES[labels[i]][0] + random.nextGaussian());
      features[i][1] = (float) (CENTRES[labels[i]][1] + random.nextGaussian());
    }
    return new Data(features, labels);
  }

  private static final Data TRAIN = blobs(600, 1);

  private static HoldoutSet holdout() {
    Data data = blobs(400, 2);
    HoldoutSet holdout = new HoldoutSet(1000);
    for (int i = 0; i < data.labels().length; i++) {
      holdout.add(
          "h" + i,
          LABELS.get(data.labels()[i]),
          data.labels()[i],
          data.features()[i],
          0,
          "holdout",
          0,
          i);
    }
    return holdout;
  }

  private ModelVersion trained(int version, float[][] features, int[] labels, long seed) {
    String path = "/store/blobs/v" + version;
    models.put(path, SoftmaxRegression.train(features, labels, LABELS, 5, seed));
    ModelVersion v = ReportBuilderTest.modelVersion();
    v.setModelId("blobs");
    v.setVersion(version);
    v.setStorePath(path);
    v.setFeatureCount(2);
    v.setLabels(LABELS);
    return v;
  }

  private Evaluated championThenChallenger(ModelVersion champion, ModelVersion challenger) {
    HoldoutSet holdout = holdout();
    Evaluated first = (Evaluated) evaluator.evaluate(champion, holdout.snapshot());
    assertThat(first.report().getPromoted()).as(first.report().getGateReason()).isTrue();
    return (Evaluated) evaluator.evaluate(challenger, holdout.snapshot());
  }

  @Test
  void aChallengerTrainedOnShuffledLabelsIsRejected() {
    int[] shuffled = TRAIN.labels().clone();
    Random random = new Random(3);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = swap;
    }

    Evaluated challenger =
        championThenChallenger(
            trained(1, TRAIN.features(), TRAIN.labels(), 11),
            trained(2, TRAIN.features(), shuffled, 11));

    EvaluationReport report = challenger.report();
    assertThat(report.getPromoted()).isFalse();
    assertThat(report.getGateDifference()).isLessThan(-0.1);
    assertThat(report.getGateDifferenceInterval().getHigh()).isNegative();
    assertThat(report.getGateReason())
        .contains("< α 0.05: significantly worse, the champion stays");
    assertThat(evaluator.championVersion("blobs")).hasValue(1);
  }

  @Test
  void theSameModelRetrainedWithAnotherSeedIsNotPromotedOnNoise() {
    Evaluated challenger =
        championThenChallenger(
            trained(1, TRAIN.features(), TRAIN.labels(), 11),
            trained(2, TRAIN.features(), TRAIN.labels(), 12));

    EvaluationReport report = challenger.report();
    assertThat(report.getPromoted()).as(report.getGateReason()).isFalse();
    assertThat(Math.abs(report.getGateDifference())).isLessThan(0.03);
    assertThat(report.getGatePValue()).isGreaterThan(0.05);
    assertThat(report.getGateDifferenceInterval().getLow()).isLessThanOrEqualTo(0.0);
    assertThat(report.getGateDifferenceInterval().getHigh()).isGreaterThanOrEqualTo(0.0);
    assertThat(evaluator.championVersion("blobs")).hasValue(1);
  }

  @Test
  void aClearlyBetterChallengerIsPromotedAndTheReportCarriesTheTest() {
    // the champion only ever saw feature 0: it cannot tell blue from the others well
    float[][] firstFeatureOnly = new float[TRAIN.features().length][];
    for (int i = 0; i < firstFeatureOnly.length; i++) {
      firstFeatureOnly[i] = new float[] {TRAIN.features()[i][0], 0f};
    }

    Evaluated challenger =
        championThenChallenger(
            trained(1, firstFeatureOnly, TRAIN.labels(), 11),
            trained(2, TRAIN.features(), TRAIN.labels(), 11));

    EvaluationReport report = challenger.report();
    assertThat(report.getPromoted()).as(report.getGateReason()).isTrue();
    assertThat(report.getGateTest()).isEqualTo("paired-bootstrap-macro-f1");
    assertThat(report.getGateDifference())
        .isEqualTo(report.getMacroF1() - report.getChampionMacroF1())
        .isGreaterThan(0.05);
    assertThat(report.getGateDifferenceInterval().getLow()).isPositive();
    assertThat(report.getGateDifferenceInterval().getLevel()).isEqualTo(0.95);
    assertThat(report.getGatePValue()).isLessThan(0.05);
    assertThat(report.getGateReason())
        .contains("vs champion v1 on 400 examples", "95% interval [", "p = ", "< α 0.05")
        .endsWith("significantly better, promoted");
    assertThat(evaluator.championVersion("blobs")).hasValue(2);
  }

  @Test
  void theReportCarriesEveryHoldoutMetric() {
    HoldoutSet holdout = holdout();
    Evaluated evaluated =
        (Evaluated)
            evaluator.evaluate(
                trained(1, TRAIN.features(), TRAIN.labels(), 11), holdout.snapshot());

    EvaluationReport report = evaluated.report();
    ClassificationMetrics metrics = evaluated.metrics();
    assertThat(report.getBalancedAccuracy()).isEqualTo(metrics.balancedAccuracy());
    assertThat(report.getWeightedF1()).isEqualTo(metrics.weightedF1());
    assertThat(report.getWeightedRecall()).isCloseTo(metrics.accuracy(), within());
    assertThat(report.getLogLoss()).isBetween(0.3, 1.1);
    assertThat(report.getBrierScore()).isBetween(0.1, 0.8);
    assertThat(report.getRocAuc()).isBetween(0.75, 1.0);
    assertThat(report.getPrAuc()).isBetween(0.6, 1.0);
    assertThat(report.getPerClass()).allSatisfy(c -> assertThat(c.getRocAuc()).isBetween(0.5, 1.0));
    assertThat(report.getExpectedCalibrationError()).isBetween(0.0, 0.2);
    assertThat(report.getAccuracyInterval().getLow())
        .isLessThan(report.getAccuracy())
        .isGreaterThan(report.getAccuracy() - 0.1);
    assertThat(report.getAccuracyInterval().getHigh()).isGreaterThan(report.getAccuracy());
    assertThat(report.getMacroF1Interval().getLow()).isLessThan(report.getMacroF1());
    assertThat(report.getMacroF1Interval().getHigh()).isGreaterThan(report.getMacroF1());
    assertThat(report.getMacroF1Interval().getLevel()).isEqualTo(0.95);
    assertThat(report.getLatencyP50Millis()).isPositive();
    assertThat(report.getLatencyP99Millis()).isGreaterThanOrEqualTo(report.getLatencyP50Millis());
    // the first version has no champion: no paired test ran
    assertThat(report.getGateTest()).isNull();
    assertThat(report.getGatePValue()).isNull();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
