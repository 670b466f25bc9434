package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.dashboard.web.DashboardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Opens the dashboard in headless Chromium while a short embedded demo runs and checks what the
 * page draws from the live topics. Needs headless Chromium ({@link HeadlessChromium}); skipped with
 * a message where it is missing.
 */
class DashboardBrowserTest {

  @Test
  @SuppressWarnings("unchecked")
  void theVersionChartConfusionMatrixMapAndTablesRenderWithoutConsoleErrors(@TempDir Path dir)
      throws Exception {
    HeadlessChromium.assumeInstalled();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Demo demo = new Demo(out, DashboardSettings.anyFreePort());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread running =
        new Thread(
            () -> {
              try {
                // versions 0: the demo runs until asked to stop; a version every 120 examples
                demo.run(
                    new Demo.Options(
                        DemoTest.unseenCsv(dir),
                        null,
                        "kind",
                        null,
                        null,
                        0,
                        0,
                        120,
                        dir.resolve("work"),
                        1,
                        1,
                        0,
                        0,
                        Duration.ofSeconds(60),
                        null));
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "dashboard-demo");
    running.start();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(failure.get()).isNull();
                DashboardFeed feed = demo.dashboardFeed();
                assertThat(feed).as(bytes.toString(StandardCharsets.UTF_8)).isNotNull();
                Map<String, Object> snapshot = feed.state().snapshot();
                assertThat((List<?>) snapshot.get("versions")).hasSizeGreaterThanOrEqualTo(2);
                assertThat(snapshot.get("champion")).isNotNull();
                assertThat((Map<String, Long>) snapshot.get("lag"))
                    .containsKeys("streamtune-trainer");
                assertThat((List<Map<String, Object>>) snapshot.get("classCounts"))
                    .extracting(c -> c.get("label"))
                    .containsExactly("small", "tall", "wide");
                assertThat((List<Map<String, Object>>) snapshot.get("throughput"))
                    .extracting(t -> t.get("topic"))
                    .contains("raw", "examples.train", "examples.holdout", "models", "metrics");
                // the map drawn with the champion's predictions, its errors marked
                assertThat((Map<String, Object>) snapshot.get("map"))
                    .isNotNull()
                    .extractingByKey("model")
                    .isNotNull();
              });
      browse(demo.dashboardFeed().url());
    } finally {
      demo.requestStop();
      running.join(60_000);
    }
    assertThat(failure.get()).isNull();
  }

  @SuppressWarnings("unchecked")
  private static void browse(String url) throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.open()) {
      chromium.driver().get(url);
      JavascriptExecutor js = chromium.js();
      chromium.awaitScript(
          "const c = window.Chart && Chart.getChart('versionChart');"
              + " return c ? c.data.datasets[0].data.filter(x => x !== null).length : 0;",
          points -> assertThat(((Number) points).intValue()).isGreaterThanOrEqualTo(2));
      // the confusion matrix: a header row and one row per class, each coloured cell a count
      long matrixCells =
          (Long) js.executeScript("return document.querySelectorAll('#confusion td').length;");
      assertThat(matrixCells).isGreaterThanOrEqualTo((3 + 1) * (3 + 1));
      long perClassBars =
          (Long)
              js.executeScript(
                  "const c = Chart.getChart('perClassChart'); return c ? c.data.labels.length : 0;");
      assertThat(perClassBars).isEqualTo(3);
      // a drawn canvas has pixels that are not transparent
      Boolean drawn =
          (Boolean)
              js.executeScript(
                  "const c = document.getElementById('versionChart');"
                      + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                      + " for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }"
                      + " return false;");
      assertThat(drawn).isTrue();
      assertThat(
              (Long)
                  js.executeScript("return document.querySelectorAll('#gates tbody tr').length;"))
          .isGreaterThanOrEqualTo(2);
      long mapPoints =
          (Long)
              js.executeScript(
                  "const c = Chart.getChart('mapChart'); return c ? c.data.datasets"
                      + ".reduce((n, d) => n + d.data.length, 0) : 0;");
      assertThat(mapPoints).isGreaterThanOrEqualTo(5);
      List<String> mapDatasets =
          (List<String>)
              js.executeScript(
                  "return Chart.getChart('mapChart').data.datasets"
                      + ".map(d => d.label + ':' + d.data.length);");
      // one colour per class, and the champion's errors on the holdout (its macro F1 is below 1)
      // marked on top
      assertThat(mapDatasets)
          .filteredOn(d -> !d.startsWith("misclassified:"))
          .extracting(d -> d.substring(0, d.indexOf(':')))
          .containsExactlyInAnyOrder("small", "tall", "wide");
      assertThat(mapDatasets)
          .filteredOn(d -> d.startsWith("misclassified:"))
          .singleElement()
          .satisfies(d -> assertThat(Integer.parseInt(d.substring(14))).isPositive());
      assertThat(
              (Long) js.executeScript("return document.querySelectorAll('#lag tbody tr').length;"))
          .isPositive();
      // the class counts: a bar per class before and after rebalancing, every count positive
      List<String> classBars =
          (List<String>)
              js.executeScript(
                  "const c = Chart.getChart('classCountChart'); return c.data.labels.map((l, i) =>"
                      + " l + ':' + c.data.datasets[0].data[i] + ':' + c.data.datasets[1].data[i]);");
      assertThat(classBars)
          .extracting(b -> b.substring(0, b.indexOf(':')))
          .containsExactly("small", "tall", "wide");
      assertThat(classBars)
          .allSatisfy(
              b -> {
                String[] parts = b.split(":");
                assertThat(Long.parseLong(parts[1])).isPositive();
                assertThat(Long.parseLong(parts[2]))
                    .isGreaterThanOrEqualTo(Long.parseLong(parts[1]));
              });
      List<String> throughputTopics =
          (List<String>)
              js.executeScript(
                  "return [...document.querySelectorAll('#throughput tbody tr')]"
                      + ".map(r => r.cells[0].textContent);");
      assertThat(throughputTopics)
          .contains("raw", "examples.train", "examples.holdout", "models", "metrics");
      chromium.screenshot("dashboard.png");
      assertThat(chromium.consoleErrors()).as("console errors").isEmpty();
    }
  }
}
