package io.streamtune.dashboard.web;

import io.streamtune.dashboard.projection.ProjectionMap;
import io.streamtune.dashboard.projection.Tsne;
import io.streamtune.dashboard.projection.TsneOptions;
import io.streamtune.dashboard.projection.TsneProgress;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The holdout examples for the dashboard's 2-D map: the first {@link #MAX_EXAMPLES} holdout
 * examples with features (tabular; the leakage-free holdout does not change once drawn, so the
 * first ones are a fair sample), placed by PCA and by t-SNE. The points are coloured by their
 * actual label and marked where the {@link HoldoutPredictor}'s model (the champion) predicts
 * another; without a model nothing is marked.
 */
public final class HoldoutMap {

  /** The most examples kept and drawn: t-SNE's exact gradient stays around a second. */
  public static final int MAX_EXAMPLES = 500;

  private final List<double[]> features = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();
  private int builtFrom;
  private String builtWith;

  /** Keeps {@code example} when it is a holdout example with features and there is room. */
  public synchronized boolean accept(Example example) {
    if (example.getSplit() != Split.HOLDOUT
        || example.getFeatures().isEmpty()
        || features.size() >= MAX_EXAMPLES
        || (!features.isEmpty() && example.getFeatures().size() != features.get(0).length)) {
      return false;
    }
    double[] row = new double[example.getFeatures().size()];
    for (int i = 0; i < row.length; i++) {
      float value = example.getFeatures().get(i);
      if (!Float.isFinite(value)) {
        return false;
      }
      row[i] = value;
    }
    features.add(row);
    labels.add(String.valueOf(example.getLabel()));
    return true;
  }

  /**
   * Both maps of the examples kept so far, as the page draws them ({@code method -> points}), or
   * null when there are too few examples or neither the examples nor the predicting model changed
   * since the last build.
   */
  public Map<String, Object> buildIfChanged(
      TsneOptions tsne, TsneProgress progress, HoldoutPredictor predictor) {
    String model = predictor.model();
    double[][] rows;
    List<String> actual;
    synchronized (this) {
      if (features.size() < Tsne.MIN_POINTS
          || (features.size() == builtFrom && Objects.equals(model, builtWith))) {
        return null;
      }
      builtWith = model;
      rows = features.toArray(double[][]::new);
      // a mutable copy: ProjectionMap looks for null labels with indexOf, which List.copyOf rejects
      actual = new ArrayList<>(labels);
      builtFrom = rows.length;
    }
    List<String> predicted = model == null ? null : predictor.predict(rows);
    if (predicted == null) {
      predicted = actual;
      model = null;
    }
    Map<String, Object> maps = new LinkedHashMap<>();
    maps.put("model", model);
    for (ProjectionMap.Method method : ProjectionMap.Method.values()) {
      ProjectionMap map =
          ProjectionMap.build(rows, actual, predicted, method, MAX_EXAMPLES, tsne, progress);
      List<List<Object>> points = new ArrayList<>();
      for (ProjectionMap.Point point : map.points()) {
        points.add(List.of(point.x(), point.y(), point.label(), point.misclassified()));
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("points", points);
      entry.put(
          "trustworthiness", Double.isNaN(map.trustworthiness()) ? null : map.trustworthiness());
      maps.put(method.name(), entry);
    }
    return maps;
  }
}
