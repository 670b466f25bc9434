package io.streamtune.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confluent.kafka.schemaregistry.avro.AvroSchema;
import io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import io.streamtune.common.http.HttpGuard;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secure defaults of the registry: the access token and the request-size limit. */
class EmbeddedSchemaRegistryAccessTest {

  static final String TOKEN = "s3cret-registry-token";
  static final AvroSchema ORDER =
      new AvroSchema(
          "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"test\",\"fields\":["
              + "{\"name\":\"id\",\"type\":\"string\"}]}");

  @TempDir static Path dataDir;
  static EmbeddedKafkaBroker broker;
  static EmbeddedSchemaRegistry secured;
  static EmbeddedSchemaRegistry open;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.start(dataDir, 0);
    secured =
        EmbeddedSchemaRegistry.start(
            broker.bootstrapServers(),
            0,
            "_schemas_secured",
            TOKEN,
            EmbeddedSchemaRegistry.DEFAULT_MAX_REQUEST_BYTES);
    open = EmbeddedSchemaRegistry.start(broker.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (open != null) {
      open.close();
    }
    if (secured != null) {
      secured.close();
    }
    broker.close();
  }

  @Test
  void confluentClientWithBasicUserInfoRegistersAndLooksUp() throws Exception {
    SchemaRegistryClient client =
        client(
            Map.of(
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                "streamtune:" + TOKEN));

    int id = client.register("basic-value", ORDER);

    assertThat(client.getId("basic-value", ORDER)).isEqualTo(id);
    assertThat(client.getLatestSchemaMetadata("basic-value").getId()).isEqualTo(id);
    assertThat(client.getAllVersions("basic-value")).containsExactly(1);
  }

  @Test
  void confluentClientWithBearerStaticTokenRegistersAndLooksUp() throws Exception {
    SchemaRegistryClient client =
        client(
            Map.of("bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", TOKEN));

    int id = client.register("bearer-value", ORDER);

    assertThat(client.getVersion("bearer-value", ORDER)).isEqualTo(1);
    assertThat(client.getAllSubjects()).contains("bearer-value");
    assertThat(client.getSchemaById(id)).isEqualTo(ORDER);
  }

  @Test
  void confluentClientWithWrongTokenOrNoneGets401() {
    SchemaRegistryClient wrong =
        client(
            Map.of(
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                "streamtune:" + TOKEN + "x"));
    SchemaRegistryClient wrongBearer =
        client(
            Map.of("bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "nope"));

    for (SchemaRegistryClient client : List.of(wrong, wrongBearer, client(Map.of()))) {
      assertThatThrownBy(() -> client.register("denied-value", ORDER))
          .isInstanceOfSatisfying(
              RestClientException.class,
              e -> {
                assertThat(e.getStatus()).isEqualTo(401);
                assertThat(e.getErrorCode()).isEqualTo(401);
              });
    }
  }

  @Test
  void requestWithoutAuthorizationGets401WithAJsonErrorAndAChallenge() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(secured.url() + "/subjects")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"error_code\":401").contains("\"message\":");
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .anyMatch(value -> value.startsWith("Basic"))
        .anyMatch(value -> value.startsWith("Bearer"));
    HttpResponse<String> authorized =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(secured.url() + "/subjects"))
                .header("Authorization", "Bearer " + TOKEN)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(authorized.statusCode()).isEqualTo(200);
  }

  @Test
  void tokenChecksAcceptBearerAndBasicPasswordOnly() throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8));

    assertThat(HttpGuard.authorized("Bearer " + TOKEN, digest)).isTrue();
    assertThat(HttpGuard.authorized("bearer " + TOKEN, digest)).isTrue();
    assertThat(HttpGuard.authorized(basic("anyone:" + TOKEN), digest)).isTrue();
    assertThat(HttpGuard.authorized(basic(TOKEN + ":x"), digest)).isFalse();
    assertThat(HttpGuard.authorized(basic(TOKEN), digest)).isFalse();
    assertThat(HttpGuard.authorized("Basic !!not-base64", digest)).isFalse();
    assertThat(HttpGuard.authorized("Bearer " + TOKEN + "x", digest)).isFalse();
    assertThat(HttpGuard.authorized(TOKEN, digest)).isFalse();
    assertThat(HttpGuard.authorized(null, digest)).isFalse();
  }

  @Test
  void oversizedBodyGets413AndTheRegistryKeepsServing() throws Exception {
    byte[] twoMiB = oversizedSchemaRequest(2 << 20);
    URI versions = URI.create(open.url() + "/subjects/big-value/versions");

    HttpResponse<String> withLength =
        HTTP.send(
            HttpRequest.newBuilder(versions)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(twoMiB))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> chunked =
        HTTP.send(
            HttpRequest.newBuilder(versions)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(twoMiB)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    for (HttpResponse<String> response : List.of(withLength, chunked)) {
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.body()).contains("\"error_code\":413").contains("\"message\":");
    }
    SchemaRegistryClient client = new CachedSchemaRegistryClient(List.of(open.url()), 10);
    int id = client.register("after-big-value", ORDER);
    assertThat(client.getId("after-big-value", ORDER)).isEqualTo(id);
    assertThat(client.getAllSubjects()).doesNotContain("big-value");
    HttpResponse<String> small =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(open.url() + "/subjects/small-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"schema\":\"" + ORDER.canonicalString().replace("\"", "\\\"") + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("{\"id\":" + id + "}");
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  /** {"schema": "..."} padded with a long doc string to {@code size} bytes. */
  private static byte[] oversizedSchemaRequest(int size) {
    String prefix = "{\"schema\":\"{\\\"type\\\":\\\"string\\\",\\\"doc\\\":\\\"";
    String suffix = "\\\"}\"}";
    return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static SchemaRegistryClient client(Map<String, String> configs) {
    return new CachedSchemaRegistryClient(List.of(secured.url()), 10, configs);
  }
}
