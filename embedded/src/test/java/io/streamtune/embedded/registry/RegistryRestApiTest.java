package io.streamtune.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.embedded.registry.RegistryRestApi.RestResponse;
import org.junit.jupiter.api.Test;

/** The REST mapping without an HTTP server. */
class RegistryRestApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryRestApi api =
      new RegistryRestApi(new SchemaRegistryService(RegistryStorage.inMemory()));

  @Test
  void registerThenReadBackByIdVersionAndLatest() throws Exception {
    RestResponse registered =
        api.handle(
            "POST",
            "/subjects/a%2Fb-value/versions",
            "normalize=false",
            body(SchemaRegistryServiceTest.USER_V1));
    assertThat(registered.status()).isEqualTo(200);
    assertThat(json(registered).get("id").asInt()).isEqualTo(1);

    JsonNode byId = json(api.handle("GET", "/schemas/ids/1", "subject=a%2Fb-value", null));
    assertThat(SchemaRegistryService.parse(byId.get("schema").asText(), null))
        .isEqualTo(SchemaRegistryService.parse(SchemaRegistryServiceTest.USER_V1, null));

    JsonNode latest = json(api.handle("GET", "/subjects/a%2Fb-value/versions/latest", null, null));
    assertThat(latest.get("subject").asText()).isEqualTo("a/b-value");
    assertThat(latest.get("version").asInt()).isEqualTo(1);
    assertThat(latest.get("id").asInt()).isEqualTo(1);

    assertThat(api.handle("GET", "/subjects", null, null).body()).isEqualTo("[\"a/b-value\"]");
    assertThat(api.handle("GET", "/subjects/a%2Fb-value/versions", null, null).body())
        .isEqualTo("[1]");
    assertThat(api.handle("GET", "/schemas/ids/1/versions", null, null).body())
        .isEqualTo("[{\"subject\":\"a/b-value\",\"version\":1}]");
    assertThat(api.handle("GET", "/subjects/a%2Fb-value/versions/1/schema", null, null).body())
        .isEqualTo(byId.get("schema").asText());
  }

  @Test
  void errorsCarryConfluentCodesAndHttpStatuses() throws Exception {
    api.handle("POST", "/subjects/s/versions", null, body(SchemaRegistryServiceTest.USER_V1));

    assertError(api.handle("GET", "/schemas/ids/42", null, null), 404, 40403);
    assertError(api.handle("GET", "/subjects/nope/versions/latest", null, null), 404, 40401);
    assertError(api.handle("GET", "/subjects/s/versions/9", null, null), 404, 40402);
    assertError(api.handle("GET", "/subjects/s/versions/zero", null, null), 422, 42202);
    assertError(
        api.handle(
            "POST",
            "/subjects/s/versions",
            null,
            body(SchemaRegistryServiceTest.USER_B_NO_DEFAULT)),
        409,
        409);
    assertError(
        api.handle("POST", "/subjects/s/versions", null, body("{\"type\":\"nonsense\"}")),
        422,
        42201);
    assertError(
        api.handle(
            "POST", "/subjects/s/versions", null, "{\"schema\":\"x\",\"schemaType\":\"JSON\"}"),
        422,
        42201);
    assertError(
        api.handle("PUT", "/config/s", null, "{\"compatibility\":\"SOMETIMES\"}"), 422, 42203);
    assertError(api.handle("POST", "/subjects/s/versions", null, "{not json"), 400, 400);
    assertError(api.handle("GET", "/no/such/route", null, null), 404, 404);
    assertError(api.handle("DELETE", "/subjects/s/versions/1", null, null), 405, 405);
  }

  @Test
  void compatibilityAndConfigEndpoints() throws Exception {
    api.handle("POST", "/subjects/s/versions", null, body(SchemaRegistryServiceTest.USER_V1));

    JsonNode incompatible =
        json(
            api.handle(
                "POST",
                "/compatibility/subjects/s/versions/latest",
                "verbose=true",
                body(SchemaRegistryServiceTest.USER_B_NO_DEFAULT)));
    assertThat(incompatible.get("is_compatible").asBoolean()).isFalse();
    assertThat(incompatible.get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT");
    assertThat(
            json(api.handle(
                    "POST",
                    "/compatibility/subjects/s/versions/1",
                    null,
                    body(SchemaRegistryServiceTest.USER_V2_WITH_DEFAULT)))
                .get("is_compatible")
                .asBoolean())
        .isTrue();

    assertThat(api.handle("GET", "/config", null, null).body())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertError(api.handle("GET", "/config/s", null, null), 404, 40408);
    assertThat(api.handle("GET", "/config/s", "defaultToGlobal=true", null).body())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(api.handle("PUT", "/config/s", null, "{\"compatibility\":\"NONE\"}").body())
        .isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(api.handle("GET", "/config/s", null, null).body())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(api.handle("PUT", "/config", null, "{\"compatibility\":\"full\"}").status())
        .isEqualTo(200);
    assertThat(api.handle("GET", "/config", null, null).body())
        .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

    RestResponse registered =
        api.handle(
            "POST",
            "/subjects/s/versions",
            null,
            body(SchemaRegistryServiceTest.USER_B_NO_DEFAULT));
    assertThat(registered.status()).isEqualTo(200);
    JsonNode lookup =
        json(
            api.handle(
                "POST",
                "/subjects/s",
                "deleted=false",
                body(SchemaRegistryServiceTest.USER_B_NO_DEFAULT)));
    assertThat(lookup.get("version").asInt()).isEqualTo(2);
    assertThat(lookup.get("id").asInt()).isEqualTo(json(registered).get("id").asInt());
  }

  private static String body(String schema) throws Exception {
    return JSON.writeValueAsString(java.util.Map.of("schema", schema));
  }

  private static JsonNode json(RestResponse response) throws Exception {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void assertError(RestResponse response, int status, int errorCode)
      throws Exception {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error_code").asInt()).isEqualTo(errorCode);
    assertThat(body.get("message").asText()).isNotBlank();
  }
}
