package io.streamtune.evaluator;

import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.ModelLoader;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one model version on a holdout snapshot and gates it against the champion of its model;
 * keeps the champion of every model id. Knows nothing of Kafka: the service feeds it.
 *
 * <p>The champion is re-scored on the same holdout snapshot as the challenger whenever the holdout
 * has changed since the champion's score was taken, so the gate compares like with like: a macro F1
 * measured on last hour's holdout says little against one measured on today's.
 */
public final class VersionEvaluator {

  private static final Logger LOG = LoggerFactory.getLogger(VersionEvaluator.class);

  /** What came of evaluating one version. */
  public sealed interface Result permits Evaluated, Skipped {}

  /**
   * @param promoted the version to publish as the new champion, when the gate promoted it
   */
  public record Evaluated(
      EvaluationReport report, ClassificationMetrics metrics, Optional<ModelVersion> promoted)
      implements Result {}

  /**
   * @param error whether the version itself is faulty (unloadable, incompatible), as opposed to
   *     there being nothing to score it on yet
   */
  public record Skipped(String reason, boolean error) implements Result {}

  private static final class ChampionState {
    final ModelVersion version;
    double macroF1;
    long holdoutRevision;

    ChampionState(ModelVersion version, double macroF1, long holdoutRevision) {
      this.version = version;
      this.macroF1 = macroF1;
      this.holdoutRevision = holdoutRevision;
    }
  }

  private static final long NEVER_SCORED = Long.MIN_VALUE;

  private final ModelLoader loader;
  private final ChampionGate gate;
  private final Clock clock;
  private final Map<String, ChampionState> champions = new HashMap<>();

  public VersionEvaluator(ModelLoader loader, ChampionGate gate, Clock clock) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Takes a version published on the promoted topic before this process started as its model's
   * champion; it is scored on the holdout when the next challenger arrives.
   */
  public void recoverChampion(ModelVersion promoted) {
    champions.put(promoted.getModelId(), new ChampionState(promoted, Double.NaN, NEVER_SCORED));
  }

  /**
   * Follows a record on the promoted topic written while this process runs: its own promotions
   * (already the champion) and re-promotions of an older version (a rollback), which replace the
   * champion whatever its number.
   *
   * @return whether the champion changed
   */
  public boolean followPromotion(ModelVersion promoted) {
    ChampionState current = champions.get(promoted.getModelId());
    if (current != null && current.version.getVersion() == promoted.getVersion()) {
      return false;
    }
    champions.put(promoted.getModelId(), new ChampionState(promoted, Double.NaN, NEVER_SCORED));
    return true;
  }

  /** The current champion version of a model. */
  public Optional<Integer> championVersion(String modelId) {
    ChampionState state = champions.get(modelId);
    return state == null ? Optional.empty() : Optional.of(state.version.getVersion());
  }

  public Result evaluate(ModelVersion version, HoldoutSet.Snapshot holdout) {
    String name = version.getModelId() + " v" + version.getVersion();
    if (holdout.size() == 0) {
      return new Skipped("the holdout is empty; " + name + " cannot be scored", false);
    }
    int holdoutWidth = holdout.features()[0].length;
    if (version.getFeatureCount() != holdoutWidth) {
      return new Skipped(featureMismatch(name, version.getFeatureCount(), holdoutWidth), true);
    }
    ClassificationMetrics metrics;
    try (ScoringModel model = loader.load(version)) {
      if (model.featureCount() != holdoutWidth) {
        return new Skipped(featureMismatch(name, model.featureCount(), holdoutWidth), true);
      }
      Optional<int[]> actual = actualIndexes(holdout.labels(), model.labels());
      if (actual.isEmpty()) {
        return new Skipped(
            "holdout labels "
                + holdout.labels().stream().distinct().sorted().toList()
                + " are not all among the labels of "
                + name
                + " "
                + model.labels(),
            true);
      }
      metrics =
          ClassificationMetrics.compute(
              actual.get(), model.predict(holdout.inputs()), model.labels());
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      String where =
          message.contains(version.getStorePath()) ? "" : " from " + version.getStorePath();
      return new Skipped("cannot score " + name + where + ": " + message, true);
    }

    ChampionState champion = champions.get(version.getModelId());
    String note = "";
    Optional<ChampionGate.Champion> currentChampion = Optional.empty();
    if (champion != null) {
      if (champion.holdoutRevision != holdout.revision()) {
        OptionalDouble rescored = rescore(champion.version, holdout);
        if (rescored.isPresent()) {
          champion.macroF1 = rescored.getAsDouble();
          champion.holdoutRevision = holdout.revision();
        } else if (Double.isNaN(champion.macroF1)) {
          note =
              "champion v"
                  + champion.version.getVersion()
                  + " could not be scored, judged as if there were no champion; ";
        } else {
          note =
              "champion v"
                  + champion.version.getVersion()
                  + " could not be re-scored, its last score is used; ";
        }
      }
      if (!Double.isNaN(champion.macroF1)) {
        currentChampion =
            Optional.of(new ChampionGate.Champion(champion.version.getVersion(), champion.macroF1));
      }
    }
    ChampionGate.Decision decision =
        gate.decide(
            version.getVersion(),
            metrics.macroF1(),
            metrics.majorityBaselineMacroF1(),
            currentChampion);
    if (!note.isEmpty()) {
      decision =
          new ChampionGate.Decision(
              decision.promoted(),
              note + decision.reason(),
              champion == null ? null : champion.version.getVersion());
    }
    if (decision.promoted()) {
      champions.put(
          version.getModelId(), new ChampionState(version, metrics.macroF1(), holdout.revision()));
    }
    EvaluationReport report = ReportBuilder.build(version, metrics, decision, clock.instant());
    return new Evaluated(
        report, metrics, decision.promoted() ? Optional.of(version) : Optional.empty());
  }

  private OptionalDouble rescore(ModelVersion championVersion, HoldoutSet.Snapshot holdout) {
    String name = championVersion.getModelId() + " v" + championVersion.getVersion();
    try (ScoringModel model = loader.load(championVersion)) {
      int width = holdout.features()[0].length;
      if (model.featureCount() != width) {
        LOG.warn(
            "cannot re-score champion: {}", featureMismatch(name, model.featureCount(), width));
        return OptionalDouble.empty();
      }
      Optional<int[]> actual = actualIndexes(holdout.labels(), model.labels());
      if (actual.isEmpty()) {
        LOG.warn("cannot re-score champion {}: holdout labels are not all among its labels", name);
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(
          ClassificationMetrics.compute(
                  actual.get(), model.predict(holdout.inputs()), model.labels())
              .macroF1());
    } catch (RuntimeException e) {
      LOG.warn("cannot re-score champion {}: {}", name, e.getMessage());
      return OptionalDouble.empty();
    }
  }

  /**
   * Actual class indexes in the model's label order, matched by label name so that a model whose
   * label order differs from the spec's is still scored correctly.
   */
  private static Optional<int[]> actualIndexes(List<String> holdoutLabels, List<String> labels) {
    Map<String, Integer> indexByLabel = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      indexByLabel.put(labels.get(i), i);
    }
    int[] actual = new int[holdoutLabels.size()];
    for (int i = 0; i < actual.length; i++) {
      Integer index = indexByLabel.get(holdoutLabels.get(i));
      if (index == null) {
        return Optional.empty();
      }
      actual[i] = index;
    }
    return Optional.of(actual);
  }

  private static String featureMismatch(String name, int modelWidth, int holdoutWidth) {
    return name
        + " takes "
        + modelWidth
        + " features but the holdout's examples have "
        + holdoutWidth
        + " (was the spec or the preprocessing changed?)";
  }
}
