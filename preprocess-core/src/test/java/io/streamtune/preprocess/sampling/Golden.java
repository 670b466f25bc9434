package io.streamtune.preprocess.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The golden files written by src/test/python/sampling_golden.py with imbalanced-learn 0.10: the
 * standardized numeric columns of lending_club and what imbalanced-learn made of them.
 */
final class Golden {

  private static final String DIR = "/golden/sampling/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Golden() {}

  static JsonNode expected() {
    try (InputStream in = open("expected.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** id, label, features; plain CSV without quoting. */
  static List<LabeledVector> rows(String file) {
    try (InputStream in = open(file)) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      List<LabeledVector> rows = new ArrayList<>(lines.length);
      for (int i = 1; i < lines.length; i++) {
        String[] cells = lines[i].split(",");
        double[] features = new double[cells.length - 2];
        for (int f = 0; f < features.length; f++) {
          features[f] = Double.parseDouble(cells[f + 2]);
        }
        rows.add(LabeledVector.original(cells[0], cells[1], features));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<LabeledVector> lendingClub() {
    return rows("lending_club_numeric.csv");
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> counts = new TreeMap<>();
    object.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
    return counts;
  }

  private static InputStream open(String file) {
    InputStream in = Golden.class.getResourceAsStream(DIR + file);
    if (in == null) {
      throw new IllegalStateException("golden file " + DIR + file + " is missing");
    }
    return in;
  }
}
