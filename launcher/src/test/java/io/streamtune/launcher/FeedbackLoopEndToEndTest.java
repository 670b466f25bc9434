package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.RetrainCause;
import io.streamtune.schemas.avro.RetrainRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on real data with a known concept drift: the bundled credit data (4,454 rows) fed
 * prequentially, every label after record {@value #DRIFT_AT} swapped (good ↔ bad). Each record is a
 * request first; its label comes {@value #LABEL_DELAY} records later and only then does it train.
 */
class FeedbackLoopEndToEndTest {

  private static final int LABEL_DELAY = 200;
  private static final long DRIFT_AT = 2_200;

  /** Records after the change point within which the served accuracy must have recovered. */
  static final int RECOVERY_RECORDS = 1_200;

  @Test
  void aConceptDriftIsDetectedRetrainedOnAndTheServedAccuracyRecovers(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    Demo.Outcome outcome =
        new Demo(out)
            .run(
                new Demo.Options(
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    DemoCommand.FEEDBACK_RATE,
                    null,
                    dir.resolve("work"),
                    2,
                    2,
                    0,
                    0,
                    Duration.ofSeconds(120),
                    new FeedbackDemo.Options(
                        -1,
                        LABEL_DELAY,
                        DRIFT_AT,
                        DemoCommand.FEEDBACK_RATE,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(120))));

    String printed = bytes.toString(StandardCharsets.UTF_8);
    FeedbackDemo.LoopOutcome loop = outcome.feedback();
    assertThat(outcome.exitCode()).as(printed).isZero();

    // nothing lost, nothing twice: every request answered once or dead-lettered with a reason
    FeedbackDemo.Reconciliation counts = loop.reconciliation();
    // the warm start (enough labelled records for the first version) went straight to raw
    long requests = 4_454 - loop.warmStart();
    assertThat(loop.warmStart()).isEqualTo(750);
    assertThat(counts.requests()).as(printed).isEqualTo(requests);
    assertThat(counts.balanced()).as(printed).isTrue();
    assertThat(counts.serveDeadLetters()).as("a champion answered every request").isZero();
    assertThat(counts.labelsSent()).isEqualTo(requests);
    assertThat(counts.labelsJoined())
        .as("every label joined its request into raw")
        .isEqualTo(requests);

    // the drift was detected on a served version's errors and a retrain followed
    List<RetrainRequest> conceptDrifts =
        loop.detections().stream()
            .filter(d -> d.getTrigger() == RetrainCause.CONCEPT_DRIFT)
            .toList();
    assertThat(conceptDrifts).as(printed).isNotEmpty();
    assertThat(counts.versionsAfterDrift()).as(printed).isPositive();
    assertThat(printed).contains("drift | ").contains("online | ").contains("reconciliation | ");

    // the served accuracy: high before the change, collapsed right after it, recovered later
    ServedTimeline served = loop.served();
    long change = DRIFT_AT - loop.warmStart(); // the request the concept changed after
    double before = served.accuracy(change - 600, change);
    double justAfter = served.accuracy(change, change + 150);
    double recovered = served.accuracy(change + RECOVERY_RECORDS, change + RECOVERY_RECORDS + 600);
    System.out.printf(
        "served accuracy: %.3f before the change, %.3f just after, %.3f from %d records after%n",
        before, justAfter, recovered, RECOVERY_RECORDS);
    assertThat(before).as(printed).isGreaterThan(0.65);
    assertThat(justAfter).as(printed).isLessThan(0.5);
    assertThat(recovered).as(printed).isGreaterThan(0.6);

    List<EvaluationReport> online =
        loop.reports().stream().filter(r -> MetricsWatcher.ONLINE.equals(r.getKind())).toList();
    assertThat(online).as(printed).isNotEmpty();
    assertThat(loop.freshness().count()).as(printed).isPositive();
  }
}
