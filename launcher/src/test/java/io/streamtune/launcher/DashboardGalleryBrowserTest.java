package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.dashboard.web.DashboardServer;
import io.streamtune.dashboard.web.DashboardSettings;
import io.streamtune.dashboard.web.DashboardState;
import io.streamtune.dashboard.web.HoldoutMap;
import io.streamtune.dashboard.web.HoldoutPredictor;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.Split;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page of a token-protected dashboard in headless Chromium, opened as {@code /?token=...}: the
 * chart library, the event stream and the augmentation gallery's PNGs all load with the token, the
 * gallery shows each original beside its copies, and a text map names the embedding it was placed
 * by; no console errors. Fed straight into a {@link DashboardState} (the pipeline runs are {@link
 * DashboardBrowserTest}'s and the map's Kafka tests'). Skipped where Chromium is missing.
 */
class DashboardGalleryBrowserTest {

  private static final String TOKEN = "gallery+token/1";

  private static Example example(String id, String copyOf, Split split, String label) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(copyOf == null ? id : copyOf)
        .setEventTime(Instant.parse("2026-12-07T00:00:00Z"))
        .setSplit(split)
        .setLabel(label)
        .setLabelIndex(label.equals("sport") ? 0 : 1)
        .setAugmentedFrom(copyOf)
        .build();
  }

  private static ImagePayload noise(Random random) {
    byte[] pixels = new byte[28 * 28];
    random.nextBytes(pixels);
    return ImagePayload.newBuilder()
        .setWidth(28)
        .setHeight(28)
        .setChannels(1)
        .setEncoding(ImageEncoding.RAW_U8)
        .setData(ByteBuffer.wrap(pixels))
        .build();
  }

  @Test
  void aTokenProtectedPageLoadsItsGalleryAndTextMapWithoutConsoleErrors() throws Exception {
    HeadlessChromium.assumeInstalled();
    DashboardState state = new DashboardState();
    Random random = new Random(4);
    for (int i = 0; i < 3; i++) {
      Example original = example("img/" + i, null, Split.TRAIN, "sport");
      original.setImage(noise(random));
      state.acceptTrainExample(original);
      for (int k = 1; k <= 2; k++) {
        Example copy = example("img/" + i + "#aug" + k, "img/" + i, Split.TRAIN, "sport");
        copy.setImage(noise(random));
        state.acceptTrainExample(copy);
      }
    }
    HoldoutMap holdout = new HoldoutMap();
    for (int i = 0; i < 12; i++) {
      Example text = example("t" + i, null, Split.HOLDOUT, i % 2 == 0 ? "sport" : "cooking");
      text.setText((i % 2 == 0 ? "goal " : "oven ").repeat(1 + i % 4));
      holdout.accept(text);
    }
    HoldoutPredictor byWords =
        new HoldoutPredictor() {
          @Override
          public String model() {
            return "topics v1";
          }

          @Override
          public Scored score(List<Example> examples, boolean embed) {
            List<String> guesses = new ArrayList<>();
            double[][] rows = new double[examples.size()][];
            for (int r = 0; r < rows.length; r++) {
              String text = examples.get(r).getText();
              rows[r] = new double[] {text.length(), text.startsWith("goal") ? 1 : 0, r % 3};
              guesses.add(text.startsWith("goal") && text.length() > 5 ? "sport" : "cooking");
            }
            return new Scored(guesses, rows);
          }
        };
    Map<String, Object> maps =
        holdout.buildIfChanged(
            TsneOptions.defaults().withIterations(250), TsneProgress.NONE, byWords);
    state.acceptMap(maps);

    try (DashboardServer server =
            DashboardServer.start(state, DashboardSettings.anyFreePort().withToken(TOKEN));
        HeadlessChromium chromium = HeadlessChromium.open()) {
      ChromeDriver driver = chromium.driver();
      driver.get(
          server.url()
              + "?token="
              + java.net.URLEncoder.encode(TOKEN, java.nio.charset.StandardCharsets.UTF_8));
      JavascriptExecutor js = chromium.js();
      // 3 originals, each beside its 2 copies, every PNG fetched with the token and decoded
      chromium.awaitScript(
          "return [...document.querySelectorAll('#gallery img')]"
              + ".filter(i => i.complete && i.naturalWidth === 28).length;",
          decoded -> assertThat((Long) decoded).isEqualTo(9L));
      assertThat(
              (Boolean)
                  js.executeScript("return document.getElementById('gallerySection').hidden;"))
          .isFalse();
      assertThat(
              (Long)
                  js.executeScript(
                      "return document.querySelectorAll('#gallery img.original').length;"))
          .isEqualTo(3L);
      assertThat(
              (Long)
                  js.executeScript(
                      "const c = Chart.getChart('mapChart'); return c ? c.data.datasets"
                          + ".filter(d => d.label !== 'misclassified')"
                          + ".reduce((n, d) => n + d.data.length, 0) : 0;"))
          .isEqualTo(12L);
      assertThat(
              (String) js.executeScript("return document.getElementById('mapNote').textContent;"))
          .contains("placed by topics v1's text embedding (3-d)")
          .contains("misclassified by topics v1");
      // the event stream is open: the status line says live
      chromium.awaitScript(
          "return document.getElementById('status').textContent;",
          status -> assertThat((String) status).startsWith("live"));
      chromium.screenshot("dashboard-gallery.png");
      assertThat(chromium.consoleErrors()).as("console errors").isEmpty();

      // without the token the page itself is refused
      driver.get(server.url());
      // (Chromium shows an empty page for the 401 and its Basic challenge)
      assertThat(driver.getPageSource()).doesNotContain("versionChart");
    }
  }
}
