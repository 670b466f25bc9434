package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.PredictionRole;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * predictions ⋈ labels → online reports per window, in a TopologyTestDriver: the reports' scores
 * must equal a direct computation over the records that should have joined.
 */
class OnlineMetricsTopologyTest {

  private static final long WINDOW = 600_000;
  private static final long T0 = 600_000; // the tumbling window [T0, T0 + 60 s)

  @TempDir Path state;
  private FeedbackDriver feed;

  @BeforeEach
  void start() {
    feed = new FeedbackDriver(FeedbackDriver.config(state));
  }

  @AfterEach
  void stop() {
    feed.close();
  }

  /** One labelled prediction as the test expects it to be counted. */
  private record Scored(String actual, String predicted, double pTrue) {}

  @Test
  void joinsLateLabelsWithinGraceAndDropsMissingAndTooLateOnes() {
    Random random = new Random(17);
    List<Scored> expected = new ArrayList<>();
    Scored late = null;
    // 60 champion predictions of v1 in the first 48 s; "maybe" is predicted but never true
    for (int i = 0; i < 60; i++) {
      String id = "p" + i;
      long at = T0 + i * 800L;
      String actual = random.nextDouble() < 0.7 ? "no" : "yes";
      double u = random.nextDouble();
      String predicted = u < 0.75 ? actual : u < 0.9 ? other(actual) : "maybe";
      double p = 0.5 + 0.45 * random.nextDouble();
      feed.sendPrediction(
          FeedbackDriver.prediction(id, 1, PredictionRole.CHAMPION, predicted, p, at), at);
      Scored scored = new Scored(actual, predicted, pTrue(actual, predicted, p));
      if (i % 10 == 9) {
        continue; // its label never comes
      }
      if (i == 30) {
        late = scored; // labelled late, below
        continue;
      }
      feed.sendLabel(id, actual, Math.min(at + 2_000, T0 + 55_000));
      expected.add(scored);
    }
    // out of order by 6 s (within the 60 s grace): joins, and counts in the same window
    feed.sendLabel("p30", late.actual(), T0 + 49_000);
    expected.add(late);
    // a label later than the join window after its prediction: dropped
    feed.sendPrediction(
        FeedbackDriver.prediction("q-late", 1, PredictionRole.CHAMPION, "no", 0.9, T0 + 1_000),
        T0 + 1_000);
    feed.sendLabel("q-late", "no", T0 + 1_000 + WINDOW + 1);
    // a later record of another version closes every window of v1
    flush(2_000_000);

    List<EvaluationReport> reports = v1Reports();
    List<EvaluationReport> tumbling =
        reports.stream().filter(r -> r.getWindow().startsWith("tumbling")).toList();
    List<EvaluationReport> sliding =
        reports.stream().filter(r -> r.getWindow().startsWith("sliding")).toList();

    assertThat(tumbling).hasSize(1);
    EvaluationReport report = tumbling.get(0);
    assertThat(report.getWindow()).isEqualTo("tumbling 60000 ms");
    assertThat(report.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(report.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 60_000));
    assertThat(report.getKind()).isEqualTo("online");
    assertThat(report.getModelId()).isEqualTo(FeedbackDriver.MODEL);
    assertThat(report.getVersion()).isEqualTo(1);
    // 60 predictions, 6 never labelled; p30 labelled late but within grace; q-late dropped
    assertThat(report.getHoldoutSize()).isEqualTo(54).isEqualTo(expected.size());
    assertThat(report.getAccuracy()).isCloseTo(accuracy(expected), within(1e-12));
    assertThat(report.getMacroF1()).isCloseTo(macroF1(expected), within(1e-12));
    assertThat(report.getLogLoss()).isCloseTo(logLoss(expected), within(1e-9));

    // the meters: v1's 54 and the flush's label joined; 62 predictions and 56 labels read; the
    // online accuracy gauge is the closed tumbling window's
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    feed.meters.bind(registry);
    assertThat(registry.get(FeedbackMeters.LABELS_JOINED).functionCounter().count()).isEqualTo(55);
    assertThat(registry.get("streamtune.records.in").functionCounter().count()).isEqualTo(62 + 56);
    assertThat(
            registry
                .get(FeedbackMeters.ONLINE_ACCURACY)
                .tags("version", "1", "role", "champion")
                .gauge()
                .value())
        .isEqualTo(report.getAccuracy());

    // the five sliding windows of 300 s that hold [T0, T0 + 60 s): one report each, same data
    assertThat(sliding)
        .extracting(r -> r.getWindowStart().toEpochMilli())
        .containsExactlyInAnyOrder(T0 - 240_000, T0 - 180_000, T0 - 120_000, T0 - 60_000, T0);
    for (EvaluationReport s : sliding) {
      assertThat(s.getWindow()).isEqualTo("sliding 300000 ms");
      assertThat(s.getHoldoutSize()).isEqualTo(report.getHoldoutSize());
      assertThat(s.getAccuracy()).isEqualTo(report.getAccuracy());
      assertThat(s.getWindowEnd().toEpochMilli() - s.getWindowStart().toEpochMilli())
          .isEqualTo(300_000);
    }
  }

  @Test
  void scoresAreScikitLearnsOverThePresentClasses() {
    Random random = new Random(5);
    List<Scored> expected = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      String id = "s" + i;
      long at = T0 + i * 500L;
      String actual = random.nextDouble() < 0.6 ? "no" : "yes";
      double u = random.nextDouble();
      String predicted = u < 0.7 ? actual : u < 0.9 ? other(actual) : "maybe";
      double p = 0.4 + 0.6 * random.nextDouble();
      feed.sendPrediction(
          FeedbackDriver.prediction(id, 1, PredictionRole.CHAMPION, predicted, p, at), at);
      feed.sendLabel(id, actual, at + 1_000);
      expected.add(new Scored(actual, predicted, pTrue(actual, predicted, p)));
    }
    // a predicted class that is never true (maybe) counts; a model class never seen would not
    flush(2_000_000);

    EvaluationReport report =
        v1Reports().stream().filter(r -> r.getWindow().startsWith("tumbling")).findFirst().get();

    assertThat(report.getHoldoutSize()).isEqualTo(80);
    assertThat(report.getAccuracy()).isCloseTo(accuracy(expected), within(1e-12));
    assertThat(report.getMacroF1()).isCloseTo(macroF1(expected), within(1e-12));
    assertThat(report.getLogLoss()).isCloseTo(logLoss(expected), within(1e-9));
    assertThat(report.getLabels()).containsExactly("no", "yes", "maybe");
    assertThat(report.getLabelCounts())
        .containsExactly(count(expected, "no", true), count(expected, "yes", true), 0L);
    assertThat(report.getPredictionCounts())
        .containsExactly(
            count(expected, "no", false),
            count(expected, "yes", false),
            count(expected, "maybe", false));
    assertThat(report.getPerClass().get(0).getRecall())
        .isCloseTo(recall(expected, "no"), within(1e-12));
    System.out.printf(
        "online window of 80: accuracy %.4f, macro F1 %.4f, log loss %.4f%n",
        report.getAccuracy(), report.getMacroF1(), report.getLogLoss());
  }

  @Test
  void championAndShadowAreReportedApart() {
    for (int i = 0; i < 10; i++) {
      long at = T0 + i * 1_000L;
      feed.sendPrediction(
          FeedbackDriver.prediction("r" + i, 2, PredictionRole.CHAMPION, "no", 0.8, at), at);
      feed.sendPrediction(
          FeedbackDriver.prediction(
              "r" + i, 1, PredictionRole.SHADOW, i < 5 ? "no" : "yes", 0.8, at),
          at);
      feed.sendLabel("r" + i, "no", at + 500);
    }
    flush(2_000_000);

    List<EvaluationReport> tumbling =
        feed.metrics.readValuesToList().stream()
            .filter(
                r ->
                    r.getWindow().startsWith("tumbling") && r.getWindowStart().toEpochMilli() == T0)
            .toList();

    assertThat(tumbling)
        .extracting(
            EvaluationReport::getVersion,
            EvaluationReport::getWindow,
            EvaluationReport::getAccuracy)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(2, "tumbling 60000 ms", 1.0),
            org.assertj.core.groups.Tuple.tuple(1, "tumbling 60000 ms, shadow", 0.5));
  }

  @Test
  void tombstonesAndANanProbabilityAreSurvived() {
    feed.labels.pipeInput("gone", null, T0);
    feed.promotions.pipeInput(FeedbackDriver.MODEL, null, T0);
    feed.predictions.pipeInput("gone", null, T0);
    feed.sendPrediction(
        FeedbackDriver.prediction("ok", 1, PredictionRole.CHAMPION, "no", 0.8, T0), T0);
    feed.sendLabel("ok", "no", T0 + 1_000);
    feed.sendPrediction(
        FeedbackDriver.prediction("nan", 1, PredictionRole.CHAMPION, "no", Double.NaN, T0), T0);
    feed.sendLabel("nan", "no", T0 + 1_000);
    flush(2_000_000);

    EvaluationReport report =
        v1Reports().stream().filter(r -> r.getWindow().startsWith("tumbling")).findFirst().get();

    assertThat(report.getHoldoutSize()).isEqualTo(2);
    assertThat(report.getAccuracy()).isEqualTo(1.0);
    // the NaN probability counts as 0: clipped to the double epsilon, as sklearn's log_loss
    assertThat(report.getLogLoss())
        .isCloseTo((-Math.log((float) 0.8) - Math.log(Math.ulp(1.0))) / 2, within(1e-9));
  }

  private void flush(long at) {
    feed.sendPrediction(
        FeedbackDriver.prediction("flush", 99, PredictionRole.CHAMPION, "no", 0.9, at), at);
    feed.sendLabel("flush", "no", at);
  }

  private List<EvaluationReport> v1Reports() {
    List<EvaluationReport> out = new ArrayList<>();
    for (KeyValue<String, EvaluationReport> kv : feed.metrics.readKeyValuesToList()) {
      assertThat(kv.key).isEqualTo(FeedbackDriver.MODEL);
      if (kv.value.getVersion() == 1) {
        out.add(kv.value);
      }
    }
    return out;
  }

  private static String other(String label) {
    return label.equals("no") ? "yes" : "no";
  }

  /** The probability the test's prediction gives the true class (as FeedbackDriver spreads it). */
  private static double pTrue(String actual, String predicted, double p) {
    float value =
        (float) (actual.equals(predicted) ? p : (1 - p) / (FeedbackDriver.CLASSES.size() - 1));
    return value;
  }

  private static double accuracy(List<Scored> scored) {
    return scored.stream().filter(s -> s.actual().equals(s.predicted())).count()
        / (double) scored.size();
  }

  /** scikit-learn's f1_score(average="macro"): over the labels in y_true or y_pred. */
  private static double macroF1(List<Scored> scored) {
    Set<String> present = new TreeSet<>();
    scored.forEach(s -> present.addAll(List.of(s.actual(), s.predicted())));
    double sum = 0;
    for (String c : present) {
      long tp =
          scored.stream().filter(s -> s.actual().equals(c) && s.predicted().equals(c)).count();
      long fp =
          scored.stream().filter(s -> !s.actual().equals(c) && s.predicted().equals(c)).count();
      long fn =
          scored.stream().filter(s -> s.actual().equals(c) && !s.predicted().equals(c)).count();
      double precision = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
      double recall = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
      sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
    return sum / present.size();
  }

  private static double recall(List<Scored> scored, String c) {
    long tp = scored.stream().filter(s -> s.actual().equals(c) && s.predicted().equals(c)).count();
    long support = scored.stream().filter(s -> s.actual().equals(c)).count();
    return tp / (double) support;
  }

  private static double logLoss(List<Scored> scored) {
    return scored.stream()
        .mapToDouble(s -> -Math.log(Math.max(Math.ulp(1.0), s.pTrue())))
        .average()
        .orElseThrow();
  }

  private static long count(List<Scored> scored, String c, boolean actual) {
    return scored.stream().filter(s -> (actual ? s.actual() : s.predicted()).equals(c)).count();
  }
}
