package io.streamtune.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
  }
}
