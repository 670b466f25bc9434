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
 * examples (the leakage-free holdout does not change once drawn, so the first ones are a fair
 * sample), placed by PCA and by t-SNE. Tabular examples are placed by their features; texts and
 * images by the champion's embedding of them ({@link HoldoutPredictor.Scored#embeddings()}: the
 * MiniLM or tf-idf vector its head reads, the CNN's penultimate layer), so without a champion there
 * is no text or image map. The points are coloured by their actual label and marked where the
 * champion predicts another.
 *
 * <p>Each example is scored (and embedded) once per champion: a rebuild for new examples scores
 * only those. {@link #buildIfChanged} is called from one thread.
 */
public final class HoldoutMap {

  /** The most examples kept and drawn: t-SNE's exact gradient stays around a second. */
  public static final int MAX_EXAMPLES = 500;

  /** A longer text is kept (and embedded) by its first this many characters. */
  public static final int MAX_TEXT_CHARS = 10_000;

  /** What the map's examples are: one pipeline has one modality. */
  enum Modality {
    TABULAR,
    TEXT,
    IMAGE;

    static Modality of(Example example) {
      if (example.getImage() != null) {
        return IMAGE;
      }
      if (example.getText() != null) {
        return TEXT;
      }
      return example.getFeatures().isEmpty() ? null : TABULAR;
    }
  }

  private final List<Example> examples = new ArrayList<>();
  private Modality modality;
  private int builtFrom;
  private String builtWith;

  // the champion's scores of the first examples, by the model named scoredWith (map thread only)
  private String scoredWith;
  private final List<String> predicted = new ArrayList<>();
  private final List<double[]> embedded = new ArrayList<>();
  private boolean unscorable;

  /**
   * Keeps {@code example} when it is an original holdout example of the map's modality (tabular
   * features of the first one's width, a text, an image) and there is room.
   */
  public synchronized boolean accept(Example example) {
    Modality kind = Modality.of(example);
    if (example.getSplit() != Split.HOLDOUT
        || example.getAugmentedFrom() != null
        || kind == null
        || examples.size() >= MAX_EXAMPLES
        || (modality != null && kind != modality)) {
      return false;
    }
    if (kind == Modality.TABULAR) {
      if (!examples.isEmpty()
          && example.getFeatures().size() != examples.get(0).getFeatures().size()) {
        return false;
      }
      for (float value : example.getFeatures()) {
        if (!Float.isFinite(value)) {
          return false;
        }
      }
    }
    if (kind == Modality.TEXT && example.getText().length() > MAX_TEXT_CHARS) {
      example =
          Example.newBuilder(example)
              .setText(example.getText().substring(0, MAX_TEXT_CHARS))
              .build();
    }
    modality = kind;
    examples.add(example);
    return true;
  }

  /**
   * Both maps of the examples kept so far, as the page draws them ({@code method -> points}, the
   * {@code model} that marked them and the {@code space} they were placed in), or null when there
   * are too few examples, neither the examples nor the champion changed since the last build, or
   * the examples are texts or images and no champion embeds them.
   */
  public Map<String, Object> buildIfChanged(
      TsneOptions tsne, TsneProgress progress, HoldoutPredictor predictor) {
    String model = predictor.model();
    List<Example> kept;
    Modality kind;
    synchronized (this) {
      if (examples.size() < Tsne.MIN_POINTS
          || (examples.size() == builtFrom && Objects.equals(model, builtWith))) {
        return null;
      }
      builtWith = model;
      builtFrom = examples.size();
      kept = List.copyOf(examples);
      kind = modality;
    }
    boolean scored = model != null && score(kept, kind != Modality.TABULAR, model, predictor);
    double[][] rows;
    List<String> actual = new ArrayList<>(kept.size());
    kept.forEach(example -> actual.add(String.valueOf(example.getLabel())));
    String space;
    if (kind == Modality.TABULAR) {
      rows = new double[kept.size()][];
      for (int i = 0; i < rows.length; i++) {
        List<Float> features = kept.get(i).getFeatures();
        rows[i] = new double[features.size()];
        for (int j = 0; j < rows[i].length; j++) {
          rows[i][j] = features.get(j);
        }
      }
      space = "features";
    } else {
      if (!scored || embedded.size() < kept.size()) {
        return null;
      }
      rows = embedded.subList(0, kept.size()).toArray(double[][]::new);
      space = (kind == Modality.TEXT ? "text" : "image") + " embedding (" + rows[0].length + "-d)";
    }
    // a mutable copy: ProjectionMap looks for null labels with indexOf, which List.copyOf rejects
    List<String> guesses = scored ? new ArrayList<>(predicted.subList(0, kept.size())) : actual;
    Map<String, Object> maps = new LinkedHashMap<>();
    maps.put("model", scored ? model : null);
    maps.put("space", space);
    for (ProjectionMap.Method method : ProjectionMap.Method.values()) {
      ProjectionMap map =
          ProjectionMap.build(rows, actual, guesses, method, MAX_EXAMPLES, tsne, progress);
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

  /**
   * Scores the examples {@code model} has not scored yet; false when it cannot score them (then it
   * is not asked again until the champion changes).
   */
  private boolean score(
      List<Example> kept, boolean embed, String model, HoldoutPredictor predictor) {
    if (!model.equals(scoredWith)) {
      scoredWith = model;
      predicted.clear();
      embedded.clear();
      unscorable = false;
    }
    if (unscorable) {
      return false;
    }
    if (predicted.size() < kept.size()) {
      List<Example> fresh = kept.subList(predicted.size(), kept.size());
      HoldoutPredictor.Scored scores = predictor.score(fresh, embed);
      if (scores == null
          || scores.predicted().size() != fresh.size()
          || (embed
              && (scores.embeddings() == null || scores.embeddings().length != fresh.size()))) {
        unscorable = true;
        return false;
      }
      predicted.addAll(scores.predicted());
      if (embed) {
        embedded.addAll(List.of(scores.embeddings()));
      }
    }
    return true;
  }
}
