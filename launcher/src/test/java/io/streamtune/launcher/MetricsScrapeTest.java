package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback demo (bundled credit data, no drift, at a fast feed rate) with every service's
 * {@code /metrics} scraped over HTTP once a second while it runs, as Prometheus would: the URLs are
 * the ones the demo prints. The last scrape of each service is what the assertions read (the
 * pipeline closes its endpoints before its services, so that is a running pipeline's). About 45 s
 * on the shared 2-core build machine (2026-12-07).
 */
class MetricsScrapeTest {

  private static final Pattern URL_LINE = Pattern.compile("(\\w+) metrics: (http://\\S+)");
  private static final Set<String> SERVICES =
      Set.of("preprocess", "trainer", "evaluator", "serve", "feedback");

  @TempDir static Path dir;

  private static final Map<String, PrometheusText> LAST = new ConcurrentHashMap<>();
  private static final Set<String> EXPORTED = new TreeSet<>();
  private static String printed;
  private static Demo.Outcome outcome;

  @BeforeAll
  static void runTheLoopWhileScraping() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Scraper scraper = new Scraper(bytes);
    Thread scraping = new Thread(scraper, "metrics-scraper");
    scraping.start();
    try {
      outcome =
          new Demo(out)
              .run(
                  new Demo.Options(
                      null,
                      null,
                      null,
                      null,
                      null,
                      0,
                      600,
                      null,
                      dir.resolve("work"),
                      2,
                      1,
                      0,
                      0,
                      Duration.ofSeconds(60),
                      new FeedbackDemo.Options(
                          -1, 200, 0, 600, Duration.ofSeconds(8), Duration.ofSeconds(60))));
    } finally {
      scraper.stop = true;
      scraping.join(10_000);
    }
    printed = bytes.toString(StandardCharsets.UTF_8);
  }

  /** Scrapes every URL the demo printed, once a second, keeping each service's last answer. */
  private static final class Scraper implements Runnable {
    private final ByteArrayOutputStream printedSoFar;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    volatile boolean stop;

    Scraper(ByteArrayOutputStream printedSoFar) {
      this.printedSoFar = printedSoFar;
    }

    @Override
    public void run() {
      while (!stop) {
        Matcher urls = URL_LINE.matcher(printedSoFar.toString(StandardCharsets.UTF_8));
        while (urls.find()) {
          scrape(urls.group(1), urls.group(2));
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void scrape(String service, String url) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          PrometheusText text = PrometheusText.parse(response.body());
          LAST.put(service, text);
          synchronized (EXPORTED) {
            EXPORTED.addAll(text.names());
          }
        }
      } catch (java.io.IOException e) {
        // the service closed its endpoint as the demo stopped: the last answer stays
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void everyServiceExportsItsNamedMetricsWithPlausibleValues() {
    assertThat(outcome.exitCode()).as(printed).isZero();
    assertThat(LAST.keySet()).as(printed).containsExactlyInAnyOrderElementsOf(SERVICES);
    for (String service : SERVICES) {
      PrometheusText metrics = LAST.get(service);
      String tag = "service=\"" + service + "\"";
      assertThat(metrics.sum("jvm_memory_used_bytes", tag, "area=\"heap\""))
          .as(service)
          .isPositive();
      assertThat(metrics.sum("jvm_threads_live_threads", tag)).as(service).isPositive();
      assertThat(metrics.sum("process_uptime_seconds", tag)).as(service).isPositive();
      if (!service.equals("preprocess")) { // its lag: streamtune_preprocess_source_pending_records
        assertThat(metrics.names())
            .as(service)
            .contains("kafka_consumer_fetch_manager_records_lag_max");
      }
      assertThat(metrics.sum("streamtune_records_in_total", "stage=\"" + service + "\""))
          .as(service)
          .isPositive();
      assertThat(metrics.names()).as(service).contains("streamtune_dead_letters_total");
    }

    // preprocess: a record in goes out as a train or holdout example or a dead letter (rows still
    // in the fit and transform operator when the demo stops are neither yet)
    PrometheusText preprocess = LAST.get("preprocess");
    double preprocessed = preprocess.sum("streamtune_records_in_total", "stage=\"preprocess\"");
    double train = preprocess.sum("streamtune_preprocess_examples_total", "split=\"train\"");
    double holdout = preprocess.sum("streamtune_preprocess_examples_total", "split=\"holdout\"");
    assertThat(train).isGreaterThan(holdout).isPositive();
    assertThat(preprocess.sum("streamtune_records_out_total", "stage=\"preprocess\""))
        .isEqualTo(train + holdout);
    assertThat(
            train
                + holdout
                + preprocess.sum("streamtune_dead_letters_total", "stage=\"preprocess\""))
        .isLessThanOrEqualTo(preprocessed)
        .isGreaterThan(preprocessed * 0.9);
    assertThat(preprocess.names()).contains("streamtune_preprocess_source_pending_records");

    PrometheusText trainer = LAST.get("trainer");
    double versions = trainer.sum("streamtune_trainer_versions_published_total");
    assertThat(versions).isGreaterThanOrEqualTo(1);
    assertThat(trainer.sum("streamtune_records_out_total", "stage=\"trainer\""))
        .isEqualTo(versions);
    assertThat(trainer.sum("streamtune_trainer_buffer_examples")).isPositive();
    assertThat(trainer.sum("streamtune_trainer_buffer_bytes")).isPositive();
    // every published version was one timed round (a round cut short by the stop may add one)
    assertThat(trainer.sum("streamtune_trainer_round_duration_seconds_count"))
        .isBetween(versions, versions + 1);
    assertThat(trainer.sum("streamtune_trainer_round_duration_seconds_sum")).isPositive();
    double loss = trainer.sum("streamtune_trainer_round_loss");
    assertThat(loss).isPositive().isLessThan(5);
    assertThat(trainer.sum("streamtune_records_in_total", "stage=\"trainer\""))
        .isGreaterThanOrEqualTo(trainer.sum("streamtune_trainer_buffer_examples"));

    PrometheusText evaluator = LAST.get("evaluator");
    double reports = evaluator.sum("streamtune_records_out_total", "stage=\"evaluator\"");
    assertThat(reports).isGreaterThanOrEqualTo(1);
    double promoted =
        evaluator.sum("streamtune_evaluator_gate_decisions_total", "decision=\"promoted\"");
    double refused =
        evaluator.sum("streamtune_evaluator_gate_decisions_total", "decision=\"refused\"");
    assertThat(promoted).as("the first version is promoted").isGreaterThanOrEqualTo(1);
    assertThat(promoted + refused).isEqualTo(reports);
    assertThat(evaluator.sum("streamtune_evaluator_champion_version")).isBetween(1.0, versions);
    assertThat(evaluator.sum("streamtune_evaluator_champion_accuracy")).isBetween(0.5, 1.0);
    assertThat(evaluator.sum("streamtune_evaluator_champion_macro_f1")).isBetween(0.0, 1.0);
    assertThat(evaluator.sum("streamtune_evaluator_report_accuracy")).isBetween(0.0, 1.0);
    assertThat(evaluator.sum("streamtune_evaluator_holdout_examples")).isPositive();

    PrometheusText serve = LAST.get("serve");
    double champion = serve.sum("streamtune_serve_predictions_total", "role=\"champion\"");
    assertThat(champion).isGreaterThanOrEqualTo(1);
    assertThat(serve.sum("streamtune_records_out_total", "stage=\"serve\"")).isEqualTo(champion);
    assertThat(serve.sum("streamtune_serve_champion_version")).isBetween(1.0, versions);
    double answered = serve.sum("streamtune_serve_request_latency_seconds_count", "path=\"kafka\"");
    assertThat(answered).as("one latency per answered request").isEqualTo(champion);
    // the histogram's +Inf bucket holds every observation
    assertThat(
            serve.sum(
                "streamtune_serve_request_latency_seconds_bucket", "path=\"kafka\"", "le=\"+Inf\""))
        .isEqualTo(answered);

    PrometheusText feedback = LAST.get("feedback");
    double joined = feedback.sum("streamtune_feedback_labels_joined_total");
    assertThat(joined)
        .isGreaterThanOrEqualTo(1)
        .isLessThanOrEqualTo(
            champion + serve.sum("streamtune_serve_predictions_total", "role=\"shadow\""));
    assertThat(feedback.max("streamtune_feedback_online_accuracy", "role=\"champion\""))
        .isBetween(0.3, 1.0);
    assertThat(feedback.names()).contains("streamtune_feedback_drift_detections_total");
  }

  @Test
  void theGrafanaDashboardQueriesOnlyMetricsTheServicesExport() throws Exception {
    Set<String> queried = GrafanaDashboard.metricNames(GrafanaDashboard.read());
    assertThat(queried).isNotEmpty();
    synchronized (EXPORTED) {
      assertThat(EXPORTED).as(printed).containsAll(queried);
    }
  }
}
