package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.ConfidenceInterval;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.SelectionCandidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsWatcherLineTest {

  private static EvaluationReport report() {
    EvaluationReport report = new EvaluationReport();
    report.setVersion(2);
    report.setExamplesTrainedOn(1000L);
    report.setHoldoutSize(412);
    report.setAccuracy(0.9);
    report.setMacroF1(0.912);
    report.setMajorityBaselineMacroF1(0.2);
    report.setChampionVersion(1);
    return report;
  }

  @Test
  void aPromotionShowsTheIntervalAndThePairedTestBriefly() {
    EvaluationReport report = report();
    report.setMacroF1Interval(new ConfidenceInterval(0.889, 0.934, 0.95));
    report.setPromoted(true);
    report.setGateTest("paired-bootstrap-macro-f1");
    report.setGateDifference(0.031);
    report.setGatePValue(0.003996);

    assertThat(MetricsWatcher.line(report))
        .isEqualTo(
            "version 2 | trained on 1,000 examples | holdout 412 | accuracy 0.900 | macro F1 0.912"
                + " [0.889, 0.934] (baseline 0.200) | promoted (paired-bootstrap-macro-f1 vs v1:"
                + " +0.031, p 0.0040)");
  }

  @Test
  void aRefusalShowsItsReasonAndAnOldReportPrintsWithoutInterval() {
    EvaluationReport report = report();
    report.setPromoted(false);
    report.setGateReason("p = 0.41 >= α 0.05: not significantly better, the champion stays");

    assertThat(MetricsWatcher.line(report))
        .contains("| macro F1 0.912 (baseline 0.200) |")
        .endsWith(
            "| not promoted: p = 0.41 >= α 0.05: not significantly better, the champion stays");
  }

  @Test
  void aFirstVersionPromotedWithoutATestSaysPromoted() {
    EvaluationReport report = report();
    report.setChampionVersion(null);
    report.setPromoted(true);
    report.setGateTest(null);

    assertThat(MetricsWatcher.line(report)).endsWith("(baseline 0.200) | promoted");
  }

  @Test
  void aSelectionShowsEveryCandidateWithItsIntervalAndPairedTestAndTheSkipped() {
    EvaluationReport report = report();
    report.setKind(MetricsWatcher.SELECTION);
    report.setGateReason(
        "selection 1: gbt wins among 3 candidates, 5-fold stratified, out-of-fold predictions");
    report.setSelection(
        List.of(
            SelectionCandidate.newBuilder()
                .setRank(1)
                .setName("gbt")
                .setMacroF1(0.9512)
                .setMacroF1Interval(new ConfidenceInterval(0.93, 0.97, 0.95))
                .build(),
            SelectionCandidate.newBuilder()
                .setRank(2)
                .setName("logreg")
                .setMacroF1(0.8)
                .setPValueVersusBest(0.002)
                .setSignificantlyWorse(true)
                .build(),
            SelectionCandidate.newBuilder()
                .setName("mlp[128,64,32]")
                .setSkippedReason("estimated 80 s > 30 s left of the budget")
                .build()));

    assertThat(MetricsWatcher.selectionLine(report))
        .isEqualTo(
            "selection | version 2 | selection 1: gbt wins among 3 candidates, 5-fold stratified,"
                + " out-of-fold predictions | 1. gbt macro F1 0.951 [0.930, 0.970] | 2. logreg"
                + " macro F1 0.800 (p 0.002, worse) | mlp[128,64,32] skipped: estimated 80 s > 30"
                + " s left of the budget");
  }
}
