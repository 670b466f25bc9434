package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.junit.jupiter.api.Test;

/**
 * The reporter as a Flink cluster runs it (no embedded registry): its own endpoint on the {@code
 * port} property, the job's counters summed over subtasks into the stage's names.
 */
class StageMetricsReporterTest {

  /** An operator's metric group with the scope variables Flink gives it. */
  private static UnregisteredMetricsGroup group(Map<String, String> variables) {
    return new UnregisteredMetricsGroup() {
      @Override
      public Map<String, String> getAllVariables() {
        return variables;
      }
    };
  }

  @Test
  void sumsTheSubtasksCountersIntoTheStageMetricsOnItsOwnEndpoint() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Properties properties = new Properties();
    properties.setProperty("port", String.valueOf(port));
    StageMetricsReporter.reportTo(null);
    MetricReporter reporter = new StageMetricsReporter.Factory().createMetricReporter(properties);
    try {
      SimpleCounter in1 = new SimpleCounter();
      SimpleCounter in2 = new SimpleCounter();
      in1.inc(10);
      in2.inc(5);
      var intake = group(Map.of("<operator_name>", "decode and validate"));
      reporter.notifyOfAddedMetric(in1, "numRecordsIn", intake);
      reporter.notifyOfAddedMetric(in2, "numRecordsIn", intake);
      // another operator's records in are not the stage's
      reporter.notifyOfAddedMetric(
          new SimpleCounter(),
          "numRecordsIn",
          group(Map.of("<operator_name>", "split by id hash")));
      SimpleCounter train = new SimpleCounter();
      train.inc(9);
      SimpleCounter holdout = new SimpleCounter();
      holdout.inc(3);
      var transform = group(Map.of("<operator_name>", "fit and transform"));
      reporter.notifyOfAddedMetric(train, "trainExamples", transform);
      reporter.notifyOfAddedMetric(holdout, "holdoutExamples", transform);
      SimpleCounter invalid = new SimpleCounter();
      invalid.inc(2);
      reporter.notifyOfAddedMetric(
          invalid,
          "deadLettered",
          group(Map.of("<operator_name>", "decode and validate", "<stage>", "validate")));
      SimpleCounter badGlucose = new SimpleCounter();
      badGlucose.inc(7);
      reporter.notifyOfAddedMetric(
          badGlucose,
          "badCells",
          group(Map.of("<operator_name>", "decode and validate", "<column>", "Glucose")));
      Gauge<Long> pending = () -> 42L;
      reporter.notifyOfAddedMetric(pending, "pendingRecords", group(Map.of()));
      in1.inc(1);

      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(body)
          .contains("streamtune_records_in_total{service=\"preprocess\",stage=\"preprocess\"} 16.0")
          .contains(
              "streamtune_records_out_total{service=\"preprocess\",stage=\"preprocess\"} 12.0")
          .contains(
              "streamtune_preprocess_examples_total{service=\"preprocess\",split=\"train\",stage=\"preprocess\"} 9.0")
          .contains(
              "streamtune_dead_letters_total{service=\"preprocess\",stage=\"preprocess\",step=\"validate\"} 2.0")
          .contains(
              "streamtune_preprocess_source_pending_records{service=\"preprocess\",stage=\"preprocess\"} 42.0")
          .contains(
              "streamtune_preprocess_bad_cells_total{column=\"Glucose\",service=\"preprocess\",stage=\"preprocess\"} 7.0")
          .contains("jvm_memory_used_bytes{");

      reporter.notifyOfRemovedMetric(pending, "pendingRecords", group(Map.of()));
    } finally {
      reporter.close();
    }
  }
}
