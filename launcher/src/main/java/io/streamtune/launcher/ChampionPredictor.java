package io.streamtune.launcher;

import io.streamtune.dashboard.web.HoldoutPredictor;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.ModelVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard map's predictions: the last version seen on {@code models.promoted} (the champion,
 * also after a rollback), loaded from the model store for each map and closed after it. Only a
 * model of the holdout's width scores (tabular); a text or image model leaves the map unmarked.
 */
final class ChampionPredictor implements HoldoutPredictor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChampionPredictor.class);

  private final StoreModelLoader loader;
  private volatile ModelVersion champion;

  ChampionPredictor(Path modelStore) {
    this.loader = new StoreModelLoader(modelStore, false);
  }

  /** Folds one record of {@code models.promoted}. */
  void accept(ModelVersion promoted) {
    champion = promoted;
  }

  @Override
  public String model() {
    ModelVersion now = champion;
    return now == null ? null : now.getModelId() + " v" + now.getVersion();
  }

  @Override
  public List<String> predict(double[][] rows) {
    ModelVersion now = champion;
    if (now == null || rows.length == 0 || now.getFeatureCount() != rows[0].length) {
      return null;
    }
    float[][] features = new float[rows.length][];
    List<String> ids = new ArrayList<>(rows.length);
    for (int r = 0; r < rows.length; r++) {
      features[r] = new float[rows[r].length];
      for (int c = 0; c < rows[r].length; c++) {
        features[r][c] = (float) rows[r][c];
      }
      ids.add("holdout-" + r);
    }
    try (ScoringModel model = loader.load(now)) {
      int[] classes = model.predict(ScoringInputs.ofFeatures(ids, features));
      List<String> labels = new ArrayList<>(classes.length);
      for (int predicted : classes) {
        labels.add(model.labels().get(predicted));
      }
      return labels;
    } catch (RuntimeException e) {
      // a version whose files are gone (another work dir) or unreadable: the map stays unmarked
      LOG.warn("dashboard: cannot score the holdout with {}: {}", model(), e.getMessage());
      return null;
    }
  }

  @Override
  public void close() {
    loader.close();
  }
}
