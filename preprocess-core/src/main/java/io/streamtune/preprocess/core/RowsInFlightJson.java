package io.streamtune.preprocess.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.core.steps.Frame;
import io.streamtune.preprocess.core.steps.Json;
import io.streamtune.schemas.avro.Split;
import java.util.Base64;

/**
 * A row in flight as JSON, for the fitted transform's state: rows a warm-up buffers or an
 * interpolation holds are part of it, so a checkpoint restored elsewhere still emits them. The row
 * keeps its source envelope (key and value as Base64) because a row rejected after the restore is
 * dead-lettered with the record it came from.
 */
final class RowsInFlightJson {

  private RowsInFlightJson() {}

  static JsonNode write(RowInFlight item) {
    ObjectNode node = Json.object();
    ValidatedRow row = item.row;
    node.put("seq", item.seq);
    node.put("fits", item.fits);
    node.put("id", row.id());
    node.put("eventTime", row.eventTimeMillis());
    node.put("label", row.label());
    node.put("labelIndex", row.labelIndex());
    node.set("numeric", Json.array(row.numericValues()));
    node.set("categorical", Json.strings(row.categoricalValues()));
    node.put("split", row.split() == null ? null : row.split().name());
    node.set("frameNumbers", Json.array(item.frame.numbers));
    node.set("frameTexts", Json.strings(item.frame.texts));
    RawEnvelope source = row.source();
    if (source != null) {
      ObjectNode s = node.putObject("source");
      s.put("topic", source.topic);
      s.put("partition", source.partition);
      s.put("offset", source.offset);
      s.put("key", source.key == null ? null : Base64.getEncoder().encodeToString(source.key));
      s.put(
          "value", source.value == null ? null : Base64.getEncoder().encodeToString(source.value));
    }
    return node;
  }

  /** Reads what {@link #write} wrote. */
  static RowInFlight read(JsonNode node) {
    RawEnvelope source = null;
    if (node.hasNonNull("source")) {
      JsonNode s = node.get("source");
      source =
          new RawEnvelope(
              s.get("topic").asText(),
              s.get("partition").asInt(),
              s.get("offset").asLong(),
              s.get("key").isNull() ? null : Base64.getDecoder().decode(s.get("key").asText()),
              s.get("value").isNull() ? null : Base64.getDecoder().decode(s.get("value").asText()));
    }
    ValidatedRow row =
        new ValidatedRow(
            node.get("id").asText(),
            node.get("eventTime").asLong(),
            node.get("label").asText(),
            node.get("labelIndex").asInt(),
            Json.doubles(node.get("numeric")),
            Json.texts(node.get("categorical")),
            node.get("split").isNull() ? null : Split.valueOf(node.get("split").asText()),
            source,
            null,
            null);
    Frame frame =
        new Frame(Json.doubles(node.get("frameNumbers")), Json.texts(node.get("frameTexts")));
    return new RowInFlight(row, frame, node.get("fits").asBoolean(), node.get("seq").asLong());
  }
}
