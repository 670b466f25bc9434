package io.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.feedback.drift.Detection;
import io.streamtune.feedback.drift.ErrorRateMonitor;
import io.streamtune.model.metrics.McNemar;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.PredictionRole;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift detection and rollback through the whole topology, in a TopologyTestDriver. */
class ModelMonitorTopologyTest {

  @TempDir Path state;
  private FeedbackDriver feed;

  @AfterEach
  void stop() {
    if (feed != null) {
      feed.close();
    }
  }

  private void start(FeedbackConfig config) {
    feed = new FeedbackDriver(config);
  }

  @Test
  void conceptDriftOfTheChampionRequestsARetrainWhereTheDetectorsSignal() {
    start(FeedbackDriver.config(state));
    Random random = new Random(42);
    int change = 1_000;
    List<Boolean> wrong = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      wrong.add(random.nextDouble() < (i < change ? 0.1 : 0.5));
    }
    for (int i = 0; i < wrong.size(); i++) {
      long at = 1_000_000 + i * 100L;
      String predicted = wrong.get(i) ? "yes" : "no";
      feed.sendPrediction(
          FeedbackDriver.prediction("d" + i, 4, PredictionRole.CHAMPION, predicted, 0.8, at), at);
      feed.sendLabel("d" + i, "no", at + 50);
    }
    // what the detectors decide on the same error stream, directly
    ErrorRateMonitor direct = new ErrorRateMonitor(ErrorRateMonitor.Settings.defaults());
    List<Detection> expected = new ArrayList<>();
    wrong.forEach(w -> expected.addAll(direct.add(w)));

    List<KeyValue<String, RetrainRequest>> requests = feed.control.readKeyValuesToList();

    assertThat(expected).isNotEmpty();
    assertThat(requests).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      RetrainRequest request = requests.get(i).value;
      Detection d = expected.get(i);
      assertThat(requests.get(i).key).isEqualTo(FeedbackDriver.MODEL);
      assertThat(request.getModelId()).isEqualTo(FeedbackDriver.MODEL);
      assertThat(request.getTrigger()).isEqualTo(RetrainCause.CONCEPT_DRIFT);
      assertThat(request.getModelVersion()).isEqualTo(4);
      assertThat(request.getDetector()).isEqualTo(d.detector());
      assertThat(request.getWindowFrom()).isEqualTo(d.windowFrom());
      assertThat(request.getWindowTo()).isEqualTo(d.windowTo()).isGreaterThan(change);
      assertThat(request.getStatistic()).isEqualTo(d.statistic());
      assertThat(request.getThreshold()).isEqualTo(d.threshold());
      assertThat(request.getReason()).isEqualTo(d.reason()).contains("error rate");
    }
    assertThat(requests).extracting(kv -> kv.value.getDetector()).contains("adwin", "page-hinkley");
    RetrainRequest adwin =
        requests.stream()
            .map(kv -> kv.value)
            .filter(r -> r.getDetector().equals("adwin"))
            .findFirst()
            .get();
    System.out.printf(
        "concept drift 0.1 → 0.5 at %d: %s at %d (%s)%n",
        change, adwin.getDetector(), adwin.getWindowTo(), adwin.getReason());
  }

  @Test
  void aShiftOfTheLabelsRequestsARetrainForTheChampion() {
    start(FeedbackDriver.config(state).withLabelDrift(200, 0.2));
    feed.sendPromotion(FeedbackDriver.version(3, 2), 1_000);
    Random random = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      double yes = i < 500 ? 0.1 : 0.7;
      feed.sendLabel("l" + i, random.nextDouble() < yes ? "yes" : "no", 2_000 + i);
    }

    List<RetrainRequest> requests = feed.control.readValuesToList();

    assertThat(requests).hasSize(1);
    RetrainRequest request = requests.get(0);
    assertThat(request.getTrigger()).isEqualTo(RetrainCause.LABEL_DRIFT);
    assertThat(request.getDetector()).isEqualTo("label-distribution");
    assertThat(request.getModelVersion()).isEqualTo(3);
    assertThat(request.getStatistic()).isGreaterThan(0.2);
    assertThat(request.getThreshold()).isEqualTo(0.2);
    assertThat(request.getWindowTo()).isBetween(501L, 700L);
    assertThat(request.getWindowFrom()).isEqualTo(request.getWindowTo() - 199);
    System.out.println(
        "label drift at label " + request.getWindowTo() + ": " + request.getReason());
  }

  /** Pairs of (champion right, shadow right), shuffled with a fixed seed. */
  private static List<boolean[]> pairs(
      int bothRight, int championOnlyWrong, int shadowOnlyWrong, int bothWrong) {
    List<boolean[]> pairs = new ArrayList<>();
    for (int i = 0; i < bothRight; i++) pairs.add(new boolean[] {true, true});
    for (int i = 0; i < championOnlyWrong; i++) pairs.add(new boolean[] {false, true});
    for (int i = 0; i < shadowOnlyWrong; i++) pairs.add(new boolean[] {true, false});
    for (int i = 0; i < bothWrong; i++) pairs.add(new boolean[] {false, false});
    Collections.shuffle(pairs, new Random(99));
    return pairs;
  }

  /** v1 then v2 promoted; v2 serves as CHAMPION and v1 as SHADOW on every record. */
  private void serve(List<boolean[]> pairs) {
    feed.sendPromotion(FeedbackDriver.version(1, null), 1_000);
    feed.sendPromotion(FeedbackDriver.version(2, 1), 2_000);
    long at = 10_000;
    for (int i = 0; i < pairs.size(); i++) {
      String id = "x" + i;
      boolean[] pair = pairs.get(i);
      feed.sendPrediction(
          FeedbackDriver.prediction(
              id, 2, PredictionRole.CHAMPION, pair[0] ? "no" : "yes", 0.8, at),
          at);
      // the shadow's prediction is sent before the label for half the records, after it (but
      // timed before it, as serve scores it right after the champion) for the rest
      if (i % 2 == 0) {
        feed.sendPrediction(
            FeedbackDriver.prediction(
                id, 1, PredictionRole.SHADOW, pair[1] ? "no" : "yes", 0.8, at),
            at);
        feed.sendLabel(id, "no", at + 100);
      } else {
        feed.sendLabel(id, "no", at + 100);
        feed.sendPrediction(
            FeedbackDriver.prediction(
                id, 1, PredictionRole.SHADOW, pair[1] ? "no" : "yes", 0.8, at + 50),
            at + 50);
      }
      at += 1_000;
    }
  }

  private List<EvaluationReport> rollbackReports() {
    return feed.metrics.readValuesToList().stream()
        .filter(r -> r.getKind().equals("rollback"))
        .toList();
  }

  @Test
  void aWorseNewChampionIsRolledBackOnceWithItsReason() {
    start(FeedbackDriver.config(state));
    // 400 pairs: at 200, v2 right 150 times, v1 180 times (b = 40, c = 10)
    List<boolean[]> first = pairs(140, 40, 10, 10);
    List<boolean[]> more = pairs(140, 40, 10, 10);
    List<boolean[]> all = new ArrayList<>(first);
    all.addAll(more);
    serve(all);

    List<KeyValue<String, ModelVersion>> promoted = feed.promoted.readKeyValuesToList();
    List<EvaluationReport> reports = rollbackReports();

    assertThat(promoted).hasSize(1);
    assertThat(promoted.get(0).key).isEqualTo(FeedbackDriver.MODEL);
    assertThat(promoted.get(0).value).isEqualTo(FeedbackDriver.version(1, null));
    assertThat(reports).hasSize(1);
    EvaluationReport report = reports.get(0);
    assertThat(report.getModelId()).isEqualTo(FeedbackDriver.MODEL);
    assertThat(report.getVersion()).isEqualTo(1);
    assertThat(report.getChampionVersion()).isEqualTo(2);
    assertThat(report.getPromoted()).isTrue();
    assertThat(report.getHoldoutSize()).isEqualTo(200);
    assertThat(report.getAccuracy()).isEqualTo(0.9);
    assertThat(report.getGateReason())
        .contains("rolled back v2 to v1", "0.7500 vs 0.9000", "200 labelled records")
        .contains(String.format(java.util.Locale.ROOT, "p = %.3g", McNemar.pValue(40, 10)));
    System.out.println("rollback: " + report.getGateReason());
  }

  @Test
  void anEqualOrBetterNewChampionStays() {
    start(FeedbackDriver.config(state));
    List<boolean[]> equal = pairs(150, 20, 20, 10);
    equal.addAll(pairs(150, 20, 20, 10));
    serve(equal);
    assertThat(feed.promoted.isEmpty()).isTrue();
    assertThat(rollbackReports()).isEmpty();
    feed.close();

    start(FeedbackDriver.config(state.resolve("better")));
    List<boolean[]> better = pairs(140, 10, 40, 10);
    better.addAll(pairs(140, 10, 40, 10));
    serve(better);
    assertThat(feed.promoted.isEmpty()).isTrue();
    assertThat(rollbackReports()).isEmpty();
  }

  @Test
  void tooFewPairsGiveNoDecision() {
    start(FeedbackDriver.config(state));
    serve(pairs(50, 120, 0, 29)); // 199 pairs of a much worse champion

    assertThat(feed.promoted.isEmpty()).isTrue();
    assertThat(rollbackReports()).isEmpty();
  }

  @Test
  void aPromotionForgetsTheErrorStreamsOfRetiredVersions() {
    start(FeedbackDriver.config(state));
    feed.sendPromotion(FeedbackDriver.version(1, null), 999_000);
    for (int version = 1; version <= 3; version++) {
      long at = 1_000_000L * version;
      feed.sendPrediction(
          FeedbackDriver.prediction("p" + version, version, PredictionRole.CHAMPION, "no", 0.8, at),
          at);
      feed.sendLabel("p" + version, "no", at + 50);
    }
    org.apache.kafka.streams.state.KeyValueStore<String, Object> drift =
        feed.driver.getKeyValueStore(ModelMonitor.DRIFT_STORE);
    assertThat(drift.get(FeedbackDriver.MODEL + "/1")).isNotNull();
    assertThat(drift.get(FeedbackDriver.MODEL + "/2")).isNotNull();

    feed.sendPromotion(FeedbackDriver.version(3, 2), 3_000_100);

    assertThat(drift.get(FeedbackDriver.MODEL + "/1")).isNull();
    assertThat(drift.get(FeedbackDriver.MODEL + "/2")).isNull();
    assertThat(drift.get(FeedbackDriver.MODEL + "/3")).as("the new champion's stream").isNotNull();
  }
}
