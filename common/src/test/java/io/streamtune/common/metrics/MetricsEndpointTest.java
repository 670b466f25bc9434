package io.streamtune.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.config.ConfigException;
import io.streamtune.common.config.ConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheStageCountersAndTheJvmMetricsTaggedWithTheService() throws Exception {
    AtomicLong in = new AtomicLong(7);
    String url;
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start("trainer", MetricsSettings.anyFreePort())) {
      StageMeters.bind(endpoint.registry(), "trainer", in, AtomicLong::get, a -> 3, a -> 1);
      System.gc(); // the counts are read from the source, which the registry holds weakly
      in.addAndGet(5);
      url = endpoint.url();
      assertThat(url).startsWith("http://127.0.0.1:").endsWith("/metrics");
      assertThat(endpoint.port()).isPositive();

      HttpResponse<String> response = get(url);
      assertThat(response.statusCode()).isEqualTo(200);
      String body = response.body();
      assertThat(body)
          .contains("streamtune_records_in_total{service=\"trainer\",stage=\"trainer\"} 12.0")
          .contains("streamtune_records_out_total{service=\"trainer\",stage=\"trainer\"} 3.0")
          .contains("streamtune_dead_letters_total{service=\"trainer\",stage=\"trainer\"} 1.0")
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads{service=\"trainer\"}")
          .contains("jvm_classes_loaded_classes{service=\"trainer\"}")
          .contains("process_uptime_seconds{service=\"trainer\"}");
      assertThat(endpoint.scrape()).contains("streamtune_records_in_total");
    }
    // closed with the service: the port no longer answers
    assertThatThrownBy(() -> get(url)).isInstanceOf(IOException.class);
  }

  @Test
  void theJvmMetersAreBoundOnceAndExportedByEveryEndpointUnderItsService() {
    try (MetricsEndpoint trainer = MetricsEndpoint.start("trainer", MetricsSettings.anyFreePort());
        MetricsEndpoint serve = MetricsEndpoint.start("serve", MetricsSettings.anyFreePort())) {
      System.gc(); // a GC pause is recorded once and seen by both
      for (MetricsEndpoint endpoint : List.of(trainer, serve)) {
        String tag = "service=\"" + endpoint.service() + "\"";
        assertThat(endpoint.scrape())
            .contains("jvm_threads_live_threads{" + tag + "}")
            .contains("process_uptime_seconds{" + tag + "}")
            .containsPattern("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"," + tag + "}");
      }
      assertThat(MetricsEndpoint.JvmMeters.bindings()).isEqualTo(1);
    }
    try (MetricsEndpoint later = MetricsEndpoint.start("feedback", MetricsSettings.anyFreePort())) {
      assertThat(later.scrape()).contains("jvm_threads_live_threads{service=\"feedback\"}");
      assertThat(MetricsEndpoint.JvmMeters.bindings()).isEqualTo(1);
    }
  }

  @Test
  void theEndpointServesGetOnlyAndRefusesBodiesOverItsLimit() throws Exception {
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start("trainer", MetricsSettings.anyFreePort())) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create(endpoint.url());
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      HttpResponse<String> big =
          http.send(
              HttpRequest.newBuilder(uri)
                  .method("GET", HttpRequest.BodyPublishers.ofByteArray(new byte[9 * 1024]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(big.statusCode()).isEqualTo(413);
      assertThat(get(endpoint.url().replace("/metrics", "/elsewhere")).statusCode()).isEqualTo(404);
      assertThat(get(endpoint.url()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void offKeepsTheMetersWithoutAPort() {
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("serve", MetricsSettings.off())) {
      AtomicLong two = new AtomicLong(2);
      StageMeters.bind(endpoint.registry(), "serve", two, AtomicLong::get, AtomicLong::get, a -> 0);
      assertThat(endpoint.port()).isEqualTo(-1);
      assertThat(endpoint.url()).isNull();
      assertThat(endpoint.scrape())
          .contains("streamtune_records_in_total{service=\"serve\",stage=\"serve\"} 2.0");
    }
  }

  @Test
  void aTakenPortFailsNamingTheKeys() {
    try (MetricsEndpoint first = MetricsEndpoint.start("a", MetricsSettings.anyFreePort())) {
      MetricsSettings same = new MetricsSettings("127.0.0.1", first.port());
      assertThatThrownBy(() -> MetricsEndpoint.start("b", same))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("metrics.port")
          .hasMessageContaining(":" + first.port());
    }
  }

  @Test
  void settingsAreReadAndCheckedNamingTheKey() {
    ConfigSource source =
        ConfigSource.of(
            Map.of("STREAMTUNE_METRICS_PORT", "0", "STREAMTUNE_METRICS_BIND_ADDRESS", "0.0.0.0"),
            Map.of());
    assertThat(MetricsSettings.from(source, MetricsSettings.SERVE_PORT))
        .isEqualTo(new MetricsSettings("0.0.0.0", 0));
    assertThat(source.keysRead())
        .containsExactlyInAnyOrder("STREAMTUNE_METRICS_PORT", "STREAMTUNE_METRICS_BIND_ADDRESS");
    assertThat(MetricsSettings.from(ConfigSource.of(Map.of()), MetricsSettings.SERVE_PORT))
        .isEqualTo(new MetricsSettings("127.0.0.1", 9404));
    assertThatThrownBy(() -> new MetricsSettings("127.0.0.1", 70000))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("metrics.port")
        .hasMessageContaining("-1 (off)");
    assertThatThrownBy(() -> new MetricsSettings(" ", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("metrics.bind.address");
  }

  @Test
  void withoutTakesKeysOutOfWhatTheServiceConfigSees() {
    ConfigSource source =
        ConfigSource.of(
            Map.of("STREAMTUNE_METRICS_PORT", "1", "STREAMTUNE_TOPIC_PREFIX", "x."), Map.of());
    ConfigSource rest = source.without(MetricsSettings.keys(MetricsSettings.TRAINER_PORT));
    assertThat(rest.get(MetricsSettings.portKey(MetricsSettings.TRAINER_PORT))).isEqualTo(9402);
    assertThat(source.get(MetricsSettings.portKey(MetricsSettings.TRAINER_PORT))).isEqualTo(1);
    assertThat(rest.get(io.streamtune.common.config.CommonKeys.TOPIC_PREFIX)).isEqualTo("x.");
  }
}
