package io.streamtune.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.schemas.avro.RawRecord;
import io.streamtune.schemas.avro.TextPayload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads one JSON object a line (JSON Lines) into text RawRecords. A line that is not a JSON object
 * or lacks the text field is rejected with a reason; blank lines are skipped.
 *
 * @param idField field holding the record id, or null to number the lines
 */
public final class JsonlTextReader implements Iterator<Outcome<RawRecord>>, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BufferedReader lines;
  private final String textField;
  private final String labelField;
  private final String idField;
  private final String sourceName;
  private final Clock clock;
  private String pending;
  private long lineNumber;

  public JsonlTextReader(
      BufferedReader lines,
      String textField,
      String labelField,
      String idField,
      String sourceName,
      Clock clock) {
    this.lines = lines;
    this.textField = textField;
    this.labelField = labelField;
    this.idField = idField;
    this.sourceName = sourceName;
    this.clock = clock;
  }

  @Override
  public boolean hasNext() {
    try {
      while (pending == null) {
        String line = lines.readLine();
        if (line == null) {
          return false;
        }
        lineNumber++;
        if (!line.isBlank()) {
          pending = line;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(sourceName + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Outcome<RawRecord> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String line = pending;
    pending = null;
    String location = sourceName + ":" + lineNumber;
    byte[] original = line.getBytes(StandardCharsets.UTF_8);
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return IngestOutcomes.rejected(
          location, original, "not valid JSON: " + e.getOriginalMessage());
    }
    if (!node.isObject()) {
      return IngestOutcomes.rejected(location, original, "not a JSON object");
    }
    JsonNode text = node.get(textField);
    if (text == null || !text.isTextual()) {
      return IngestOutcomes.rejected(
          location, original, "no text field '" + textField + "' (a string)");
    }
    JsonNode label = node.get(labelField);
    JsonNode id = idField == null ? null : node.get(idField);
    RawRecord record =
        RawRecord.newBuilder()
            .setId(id != null && !id.isNull() ? id.asText() : sourceName + "-" + lineNumber)
            .setEventTime(clock.instant())
            .setSource(location)
            .setLabel(label == null || label.isNull() ? null : label.asText())
            .setPayload(TextPayload.newBuilder().setText(text.asText()).build())
            .setAttributes(Map.of())
            .build();
    return Outcome.accepted(record);
  }

  @Override
  public void close() {
    try {
      lines.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
