package io.streamtune.dashboard.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What dashboard/src/test/python/tsne_golden.py wrote with scikit-learn 1.2.1: the fixed input (500
 * points, five blobs in 20-D) and scikit-learn's PCA, t-SNE and trustworthiness on it.
 */
record SklearnGolden(double[][] input, List<String> labels, JsonNode json) {

  private static final String DIR = "/projection/";

  static SklearnGolden load() {
    try (InputStream golden = SklearnGolden.class.getResourceAsStream(DIR + "tsne_golden.json")) {
      JsonNode json = new ObjectMapper().readTree(golden);
      try (InputStream csv =
          SklearnGolden.class.getResourceAsStream(DIR + json.get("input").asText())) {
        String[] lines = new String(csv.readAllBytes(), StandardCharsets.UTF_8).split("\n");
        List<String> labels = new ArrayList<>();
        double[][] input = new double[lines.length - 1][];
        for (int i = 1; i < lines.length; i++) {
          String[] cells = lines[i].trim().split(",");
          labels.add(cells[0]);
          input[i - 1] = new double[cells.length - 1];
          for (int j = 1; j < cells.length; j++) {
            input[i - 1][j - 1] = Double.parseDouble(cells[j]);
          }
        }
        return new SklearnGolden(input, labels, json);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  double number(String field) {
    return json.get(field).asDouble();
  }

  double[] vector(String field) {
    JsonNode node = json.get(field);
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asDouble();
    }
    return out;
  }

  double[][] matrix(String field) {
    JsonNode node = json.get(field);
    double[][] out = new double[node.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new double[node.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = node.get(i).get(j).asDouble();
      }
    }
    return out;
  }
}
