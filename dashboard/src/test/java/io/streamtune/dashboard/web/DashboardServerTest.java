package io.streamtune.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigSource;
import io.streamtune.schemas.avro.Split;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(DashboardServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageTheChartLibraryFromItsWebJarAndTheSnapshot() throws Exception {
    DashboardState state = new DashboardState();
    state.accept(DashboardStateTest.holdout(1, true, "first version"));
    try (DashboardServer server = DashboardServer.start(state, DashboardSettings.anyFreePort())) {
      assertThat(server.url()).startsWith("http://127.0.0.1:");
      HttpResponse<String> page = get(server, "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("versionChart", "/webjars/chart.js/4.4.1/dist/chart.umd.js");

      HttpResponse<String> chartJs = get(server, "/webjars/chart.js/4.4.1/dist/chart.umd.js");
      assertThat(chartJs.statusCode()).isEqualTo(200);
      assertThat(chartJs.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
      assertThat(chartJs.body()).contains("Chart");

      JsonNode snapshot = new ObjectMapper().readTree(get(server, "/api/snapshot").body());
      assertThat(snapshot.get("versions").get(0).get("macroF1").asDouble()).isEqualTo(0.51);
      assertThat(snapshot.get("champion").get("version").asInt()).isEqualTo(1);

      assertThat(get(server, "/nothing-here").statusCode()).isEqualTo(404);
      assertThat(get(server, "/webjars/../io/streamtune/dashboard/web/index.html").statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void withATokenEveryRouteNeedsItAndThePagePassesItOn() throws Exception {
    DashboardState state = new DashboardState();
    state.accept(DashboardStateTest.holdout(1, true, "first version"));
    String token = "t0ken+/=";
    String query = "token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8);
    try (DashboardServer server =
        DashboardServer.start(state, DashboardSettings.anyFreePort().withToken(token))) {
      for (String path :
          List.of(
              "/",
              "/api/snapshot",
              "/api/events",
              "/api/gallery?id=x",
              "/webjars/chart.js/4.4.1/dist/chart.umd.js")) {
        HttpResponse<String> refused = get(server, path);
        assertThat(refused.statusCode()).as(path).isEqualTo(401);
        assertThat(refused.body()).as(path).doesNotContain("versions");
        assertThat(
                get(server, path + (path.contains("?") ? "&" : "?") + "token=wrong").statusCode())
            .as(path)
            .isEqualTo(401);
      }
      HttpResponse<String> page = get(server, "/?" + query);
      assertThat(page.statusCode()).isEqualTo(200);
      // the chart library's address carries the token, so the browser's request passes
      assertThat(page.body()).contains("/webjars/chart.js/4.4.1/dist/chart.umd.js?" + query);
      assertThat(get(server, "/webjars/chart.js/4.4.1/dist/chart.umd.js?" + query).statusCode())
          .isEqualTo(200);
      HttpResponse<String> bearer =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + "api/snapshot"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bearer.statusCode()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(bearer.body()).get("versions")).hasSize(1);
      HttpResponse<java.io.InputStream> stream =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + "api/events?" + query)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        assertThat(new ObjectMapper().readTree(nextData(lines)).get("versions")).hasSize(1);
      }
    }
  }

  @Test
  void refusesOtherMethodsAndRequestBodies() throws Exception {
    try (DashboardServer server =
        DashboardServer.start(new DashboardState(), DashboardSettings.anyFreePort())) {
      for (String method : List.of("POST", "PUT", "DELETE")) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "api/snapshot"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method).isEqualTo(405);
      }
      HttpResponse<String> big =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url()))
                  .method("GET", HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(big.statusCode()).isEqualTo(413);
      assertThat(get(server, "/").statusCode()).isEqualTo(200);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void servesTheAugmentationGalleryAsPngsListedInTheSnapshot() throws Exception {
    DashboardState state = new DashboardState();
    state.acceptTrainExample(AugmentationGalleryTest.image("img-1", null, Split.TRAIN, 90));
    state.acceptTrainExample(AugmentationGalleryTest.image("img-1#aug1", "img-1", Split.TRAIN, 30));
    try (DashboardServer server = DashboardServer.start(state, DashboardSettings.anyFreePort())) {
      JsonNode gallery =
          new ObjectMapper().readTree(get(server, "/api/snapshot").body()).get("gallery");
      assertThat(gallery).hasSize(1);
      assertThat(gallery.get(0).get("copies").get(0).asText()).isEqualTo("img-1#aug1");
      for (String id : List.of("img-1", "img-1#aug1")) {
        HttpResponse<byte[]> png =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            server.url()
                                + "api/gallery?id="
                                + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        java.awt.image.BufferedImage image =
            javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
        assertThat(image.getRaster().getSample(1, 1, 0)).isEqualTo(id.equals("img-1") ? 90 : 30);
      }
      assertThat(get(server, "/api/gallery?id=none").statusCode()).isEqualTo(404);
      assertThat(get(server, "/api/gallery").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theEventStreamPushesASnapshotAndAnotherWhenARecordArrives() throws Exception {
    DashboardState state = new DashboardState();
    state.accept(DashboardStateTest.holdout(1, true, "first version"));
    try (DashboardServer server = DashboardServer.start(state, DashboardSettings.anyFreePort())) {
      HttpResponse<java.io.InputStream> stream =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + "api/events")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(nextData(lines));
        assertThat(first.get("versions")).hasSize(1);
        state.accept(DashboardStateTest.holdout(2, false, "not better"));
        JsonNode second = json.readTree(nextData(lines));
        assertThat(second.get("versions")).hasSize(2);
        assertThat(second.get("versions").get(1).get("gateReason").asText())
            .isEqualTo("not better");
      }
    }
  }

  @Test
  void everyViewerOfOneRevisionIsSentTheSameSerialisedSnapshot() throws Exception {
    DashboardState state = new DashboardState();
    state.accept(DashboardStateTest.holdout(1, true, "first version"));
    try (DashboardServer server = DashboardServer.start(state, DashboardSettings.anyFreePort())) {
      String[] received = new String[3];
      List<BufferedReader> streams = new java.util.ArrayList<>();
      try {
        for (int viewer = 0; viewer < 2; viewer++) {
          HttpResponse<java.io.InputStream> stream =
              http.send(
                  HttpRequest.newBuilder(URI.create(server.url() + "api/events")).build(),
                  HttpResponse.BodyHandlers.ofInputStream());
          BufferedReader lines =
              new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
          streams.add(lines);
          received[viewer] = nextData(lines);
        }
        received[2] = get(server, "/api/snapshot").body();
        assertThat(received[1]).isEqualTo(received[0]);
        assertThat(received[2]).isEqualTo(received[0]);
        assertThat(server.serialisations()).isEqualTo(1);

        state.accept(DashboardStateTest.holdout(2, false, "not better"));
        String next0 = nextData(streams.get(0));
        String next1 = nextData(streams.get(1));
        assertThat(next1).isEqualTo(next0).contains("not better");
        assertThat(server.serialisations()).isEqualTo(2);
      } finally {
        for (BufferedReader lines : streams) {
          lines.close();
        }
      }
    }
  }

  private static String nextData(BufferedReader lines) throws Exception {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("data: ")) {
        return line.substring("data: ".length());
      }
    }
    throw new AssertionError("the event stream ended");
  }

  @Test
  void badSettingsFailNamingTheKey() {
    assertThatThrownBy(
            () -> DashboardSettings.from(ConfigSource.of(Map.of("dashboard.port", "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dashboard.port");
    assertThat(DashboardSettings.from(ConfigSource.of(Map.of())))
        .isEqualTo(new DashboardSettings("127.0.0.1", DashboardSettings.DEFAULT_PORT));
    DashboardSettings withToken =
        DashboardSettings.from(ConfigSource.of(Map.of("dashboard.token", "abc123")));
    assertThat(withToken.token()).isEqualTo("abc123");
    assertThat(withToken.toString()).doesNotContain("abc123").contains("token=set");
    assertThat(DashboardSettings.from(ConfigSource.of(Map.of("dashboard.token", ""))).token())
        .isNull();
  }
}
