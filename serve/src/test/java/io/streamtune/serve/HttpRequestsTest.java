package io.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TabularPayload;
import io.streamtune.schemas.avro.TextPayload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The endpoint's JSON to the RawRecord a producer would send, and the answers back. */
class HttpRequestsTest {

  private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

  private static RawRecord parse(String json) throws HttpRequests.BadRequest {
    return HttpRequests.parse(json.getBytes(StandardCharsets.UTF_8), "made-up", NOW);
  }

  @Test
  void tabularTextAndImageBodiesBecomeTheirPayloads() throws Exception {
    RawRecord row =
        parse(
            "{\"id\": \"r1\", \"values\": {\"a\": 3, \"b\": 2.5, \"c\": \"x\", \"d\": true,"
                + " \"e\": null}}");
    assertThat(row.getId()).isEqualTo("r1");
    assertThat(row.getLabel()).isNull();
    assertThat(row.getSource()).isEqualTo("http");
    assertThat(row.getEventTime()).isEqualTo(NOW);
    TabularPayload cells = (TabularPayload) row.getPayload();
    assertThat(cells.getValues())
        .containsEntry("a", 3L)
        .containsEntry("b", 2.5)
        .containsEntry("c", "x")
        .containsEntry("d", true)
        .containsEntry("e", null);

    RawRecord text = parse("{\"text\": \"hello\"}");
    assertThat(text.getId()).isEqualTo("made-up");
    assertThat(((TextPayload) text.getPayload()).getText()).isEqualTo("hello");

    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    RawRecord image =
        parse(
            "{\"image\": {\"width\": 2, \"height\": 1, \"channels\": 1, \"encoding\": \"png\","
                + " \"data\": \""
                + Base64.getEncoder().encodeToString(png)
                + "\"}}");
    ImagePayload payload = (ImagePayload) image.getPayload();
    assertThat(payload.getEncoding()).isEqualTo(ImageEncoding.PNG);
    assertThat(payload.getWidth()).isEqualTo(2);
    assertThat(payload.getData()).isEqualTo(ByteBuffer.wrap(png));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1, 2]| the body must be a JSON object",
        "{values: 1}| not JSON",
        "{\"values\": {}, \"text\": \"x\"}| exactly one of 'values', 'text' or 'image'",
        "{\"id\": \"x\"}| exactly one of 'values', 'text' or 'image'",
        "{\"value\": {}}| unknown field 'value'",
        "{\"id\": 3, \"text\": \"x\"}| 'id' must be a non-blank string",
        "{\"values\": [1]}| 'values' must be an object",
        "{\"values\": {\"a\": {\"b\": 1}}}| values.a: object is not a cell value",
        "{\"text\": 5}| 'text' must be a string",
        "{\"image\": {\"data\": \"@@@\"}}| image.data is not base64",
        "{\"image\": {\"encoding\": \"GIF\", \"data\": \"\"}}| image.encoding 'GIF' is not one of",
        "{\"image\": {\"width\": \"2\", \"data\": \"\"}}| image.width must be an integer",
        "{\"image\": {\"depth\": 1}}| unknown field 'image.depth'",
      })
  void aBodyThatIsNotARequestIsRefusedWithTheReason(String body, String reason) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(HttpRequests.BadRequest.class)
        .hasMessageContaining(reason);
  }

  @Test
  void answersAreJsonWithTheProbabilitiesByLabel() throws Exception {
    ServedPrediction served =
        new ServedPrediction(
            "r1", "m", 3, List.of("good", "bad"), new float[] {0.25f, 0.75f}, 1, 42, null);
    JsonNode json = HttpRequests.JSON.readTree(HttpRequests.predictionJson(served, 120));
    assertThat(json.get("id").asText()).isEqualTo("r1");
    assertThat(json.get("modelId").asText()).isEqualTo("m");
    assertThat(json.get("version").asInt()).isEqualTo(3);
    assertThat(json.get("predictedLabel").asText()).isEqualTo("bad");
    assertThat(json.get("probabilities").get("good").floatValue()).isEqualTo(0.25f);
    assertThat(json.get("probabilities").get("bad").floatValue()).isEqualTo(0.75f);
    assertThat(json.get("transformVersion").asLong()).isEqualTo(42);
    assertThat(json.get("latencyMicros").asLong()).isEqualTo(120);

    JsonNode error =
        HttpRequests.JSON.readTree(HttpRequests.errorJson("bad \"cell\"", "validate", null));
    assertThat(error.get("error").asText()).isEqualTo("bad \"cell\"");
    assertThat(error.get("stage").asText()).isEqualTo("validate");
    assertThat(error.has("id")).isFalse();
  }
}
