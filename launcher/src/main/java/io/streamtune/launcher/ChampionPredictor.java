package io.streamtune.launcher;

import io.streamtune.dashboard.web.HoldoutPredictor;
import io.streamtune.model.scoring.ExampleRows;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard map's view of the holdout: the last version seen on {@code models.promoted} (the
 * champion, also after a rollback), loaded from the model store through the serving path's {@link
 * StoreModelLoader} and kept until the champion changes. It predicts each example and, for texts
 * and images, embeds it with {@link ScoringModel#embeddings} (MiniLM or folded tf-idf vector, the
 * fine-tuned transformer's pooled output, the CNN's penultimate layer).
 */
final class ChampionPredictor implements HoldoutPredictor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChampionPredictor.class);

  private final StoreModelLoader loader;
  private volatile ModelVersion champion;
  private ModelVersion loadedVersion;
  private ScoringModel loaded;

  ChampionPredictor(Path modelStore) {
    // no embedding cache by id: the map scores each example once per champion itself
    this.loader = new StoreModelLoader(modelStore, false);
  }

  /** Folds one record of {@code models.promoted}. */
  void accept(ModelVersion promoted) {
    champion = promoted;
  }

  @Override
  public String model() {
    ModelVersion now = champion;
    return name(now);
  }

  private static String name(ModelVersion version) {
    return version == null ? null : version.getModelId() + " v" + version.getVersion();
  }

  @Override
  public synchronized Scored score(List<Example> examples, boolean embed) {
    ModelVersion now = champion;
    if (now == null || examples.isEmpty()) {
      return null;
    }
    float[][] features = new float[examples.size()][];
    List<String> ids = new ArrayList<>(examples.size());
    List<String> texts = new ArrayList<>(examples.size());
    for (int i = 0; i < features.length; i++) {
      Example example = examples.get(i);
      features[i] = ExampleRows.features(example);
      ids.add(example.getId());
      texts.add(example.getText());
    }
    // a holdout of another width (a version of an earlier spec): not this champion's to score
    if (now.getFeatureCount() != features[0].length) {
      return null;
    }
    try {
      ScoringModel model = load(now);
      ScoringInputs inputs = new ScoringInputs(ids, features, texts);
      int[] classes = model.predict(inputs);
      List<String> labels = new ArrayList<>(classes.length);
      for (int predicted : classes) {
        labels.add(model.labels().get(predicted));
      }
      float[][] vectors = embed ? model.embeddings(inputs) : null;
      return new Scored(labels, vectors == null ? null : widen(vectors));
    } catch (RuntimeException e) {
      // a version whose files are gone (another work dir) or unreadable: the map stays unmarked
      LOG.warn("dashboard: cannot score the holdout with {}: {}", name(now), e.getMessage());
      return null;
    }
  }

  /** The champion's model, loaded once per champion. */
  private ScoringModel load(ModelVersion now) {
    if (loaded == null || !now.equals(loadedVersion)) {
      closeLoaded();
      loaded = loader.load(now);
      loadedVersion = now;
    }
    return loaded;
  }

  private static double[][] widen(float[][] vectors) {
    double[][] rows = new double[vectors.length][];
    for (int r = 0; r < vectors.length; r++) {
      rows[r] = new double[vectors[r].length];
      for (int c = 0; c < vectors[r].length; c++) {
        rows[r][c] = vectors[r][c];
      }
    }
    return rows;
  }

  private void closeLoaded() {
    if (loaded != null) {
      loaded.close();
      loaded = null;
      loadedVersion = null;
    }
  }

  @Override
  public synchronized void close() {
    closeLoaded();
    loader.close();
  }
}
