package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's PromQL: which metric names an expression queries, and that the dashboard's are
 * streamtune's, the JVM's or the Kafka clients'. That each one is exported by a running service is
 * checked against real scrapes in {@link MetricsScrapeTest}.
 */
class GrafanaDashboardTest {

  @Test
  void metricNamesAreTakenOutOfFunctionsRangesMatchersAndGroupings() {
    assertThat(
            GrafanaDashboard.metricNames(
                "histogram_quantile(0.95, sum by (le, path)"
                    + " (rate(streamtune_serve_request_latency_seconds_bucket{path=\"kafka\"}[5m])))"))
        .containsExactly("streamtune_serve_request_latency_seconds_bucket");
    assertThat(
            GrafanaDashboard.metricNames(
                "rate(a_sum[15m]) / on (service) rate(a_count[15m]) > bool 0.5 or vector(1e3)"))
        .containsExactlyInAnyOrder("a_sum", "a_count");
    assertThat(
            GrafanaDashboard.metricNames(
                "max without (topic) (kafka_consumer_fetch_manager_records_lag_max{client_id=~\"x by (y)\"})"))
        .containsExactly("kafka_consumer_fetch_manager_records_lag_max");
    assertThat(GrafanaDashboard.metricNames("jvm_threads_live_threads offset 5m"))
        .containsExactly("jvm_threads_live_threads");
  }

  @Test
  void everyPanelQueriesStreamtuneJvmOrKafkaMetrics() throws Exception {
    JsonNode dashboard = GrafanaDashboard.read();
    assertThat(dashboard.path("uid").asText()).isEqualTo("streamtune");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
    }
    List<String> expressions = GrafanaDashboard.expressions(dashboard);
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(dashboard.path("panels").size());
    Set<String> names = GrafanaDashboard.metricNames(dashboard);
    assertThat(names)
        .allMatch(
            name ->
                name.startsWith("streamtune_")
                    || name.startsWith("jvm_")
                    || name.startsWith("process_")
                    || name.startsWith("kafka_consumer_"),
            "a streamtune, JVM, process or Kafka consumer metric");
    // the named metrics each have a panel
    assertThat(names)
        .contains(
            "streamtune_records_in_total",
            "streamtune_records_out_total",
            "streamtune_dead_letters_total",
            "streamtune_preprocess_bad_cells_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "streamtune_trainer_buffer_examples",
            "streamtune_trainer_buffer_bytes",
            "streamtune_trainer_round_duration_seconds_sum",
            "streamtune_trainer_round_loss",
            "streamtune_evaluator_champion_version",
            "streamtune_evaluator_champion_macro_f1",
            "streamtune_serve_request_latency_seconds_bucket",
            "streamtune_serve_predictions_total",
            "streamtune_feedback_labels_joined_total",
            "streamtune_feedback_online_accuracy",
            "streamtune_feedback_drift_detections_total",
            "jvm_memory_used_bytes");
  }
}
