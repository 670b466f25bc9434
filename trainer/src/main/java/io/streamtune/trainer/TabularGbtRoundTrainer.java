package io.streamtune.trainer;

import ai.djl.Model;
import io.streamtune.model.ModelStore;
import io.streamtune.model.gbt.GbtClassifier;
import io.streamtune.model.gbt.GbtTrainer;
import io.streamtune.spec.GbtSpec;
import io.streamtune.spec.Setting;
import io.streamtune.spec.TrainerSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The tabular backbone {@code gbt}: gradient-boosted trees ({@link GbtTrainer}, XGBoost) fitted
 * anew on the whole buffer snapshot every round.
 *
 * <p>Why not keep boosting the previous round's ensemble: trees are only ever added, so a continued
 * ensemble grows by up to {@code rounds} iterations a round (and so does its scoring time), and
 * trees fitted to examples the buffer has since dropped (a drift, the replay share) can only be
 * corrected by more trees, never removed. The buffer already holds what the model should reflect
 * (recent examples plus a replayed sample of older ones), and a fit on it takes about a second at
 * 4,000 rows on one thread, so each round starts from scratch: its model depends on the buffer
 * alone, and successive versions differ only where the buffer does.
 *
 * <p>Resuming after a restart therefore needs nothing of the stored booster; the version it resumes
 * from is read only to check that it is a readable gbt model of the same width.
 */
final class TabularGbtRoundTrainer implements ModelTrainer {

  /** Backbone {@code gbt}: each round a new ensemble, so a stored version resumes as a new one. */
  static final ModelTrainerFactory KIND =
      ModelTrainerFactory.of(
          setup -> GbtClassifier.ARCHITECTURE,
          TabularGbtRoundTrainer::new,
          (setup, dir) -> resume(setup, dir));

  private final TrainerSpec spec;
  private final int featureCount;
  private final GbtTrainer.Params params;
  private GbtClassifier current;
  private GbtTrainer.Fit lastFit;
  private int roundsTrained;

  TabularGbtRoundTrainer(ModelTrainerFactory.Setup setup) {
    this.spec = setup.trainer();
    this.featureCount = setup.featureCount();
    this.params = GbtTrainer.Params.of(spec, setup.threads(), setup.numClasses());
  }

  private static TabularGbtRoundTrainer resume(ModelTrainerFactory.Setup setup, Path versionDir) {
    // fails here, at start, on a damaged version rather than at the first round
    GbtClassifier.read(versionDir, setup.numClasses(), setup.featureCount()).close();
    return new TabularGbtRoundTrainer(setup);
  }

  @Override
  public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    if (data.featureCount() != featureCount) {
      throw new IllegalArgumentException(
          "examples have " + data.featureCount() + " features, the model takes " + featureCount);
    }
    GbtTrainer.Fit fit =
        GbtTrainer.fit(data.features(), data.labels(), params, roundsTrained, cancelled);
    if (current != null) {
      current.close();
    }
    current = fit.classifier();
    lastFit = fit;
    roundsTrained++;
    List<Double> losses =
        fit.validationLosses().isEmpty() ? List.of(fit.trainLoss()) : fit.validationLosses();
    return new Result(
        fit.trainLoss(),
        losses,
        fit.iterations(),
        fit.iterations(),
        data.size(),
        fit.durationMs(),
        deviceName());
  }

  int roundsTrained() {
    return roundsTrained;
  }

  @Override
  public String architecture() {
    return GbtClassifier.ARCHITECTURE;
  }

  @Override
  public int inputWidth() {
    return featureCount;
  }

  @Override
  public int metadataFeatureCount() {
    return featureCount;
  }

  @Override
  public String deviceName() {
    return "cpu()";
  }

  @Override
  public Model model() {
    return null;
  }

  @Override
  public Map<String, ModelStore.FileContent> files() {
    if (current == null) {
      throw new IllegalStateException("no round trained yet");
    }
    GbtClassifier classifier = current;
    return Map.of(GbtClassifier.BOOSTER_FILE, classifier::writeTo);
  }

  /**
   * The last round's trees and early stopping, and the settings it ran with, for {@code
   * training.json}; {@code epochLosses} there are the validation log-losses per iteration.
   */
  /** The scoring trees' nodes (splits and leaves); -1 before the first round. */
  @Override
  public long parameterCount() {
    return current == null ? -1 : current.nodeCount();
  }

  @Override
  public Map<String, Object> trainingDetails() {
    if (lastFit == null) {
      return Map.of();
    }
    GbtSpec gbt = params.gbt();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("iterations", lastFit.iterations());
    details.put("bestIteration", lastFit.bestIteration());
    details.put("iterationsScored", current.iterations());
    details.put(
        "trees", current.iterations() * (params.numClasses() == 2 ? 1 : params.numClasses()));
    details.put("stoppedEarly", lastFit.stoppedEarly());
    details.put("trainRows", lastFit.trainRows());
    details.put("validationRows", lastFit.validationRows());
    details.put(
        "bestValidationLoss",
        lastFit.validationLosses().isEmpty()
            ? null
            : lastFit.validationLosses().get(lastFit.bestIteration()));
    Map<String, Object> settings = new LinkedHashMap<>();
    for (Setting<?> setting : GbtSpec.SETTINGS) {
      Object value = gbt.get(setting);
      settings.put(
          setting.name(), value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : value);
    }
    details.put("gbt", settings);
    details.put("nthread", params.threads());
    return details;
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
