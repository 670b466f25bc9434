package io.streamtune.evaluator;

import io.streamtune.model.metrics.Bootstrap;
import io.streamtune.model.metrics.ClassificationMetrics;
import io.streamtune.model.scoring.ModelLoader;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.EvaluatorSpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one model version on a holdout snapshot and gates it against the champion of its model;
 * keeps the champion of every model id. Knows nothing of Kafka: the service feeds it.
 *
 * <p>The champion's per-example predictions are kept for the holdout revision they were taken on,
 * and taken again whenever the holdout has changed, so the gate's paired test compares the two
 * versions' answers on exactly the same examples: a macro F1 measured on last hour's holdout says
 * little against one measured on today's. A champion that cannot be scored on the current holdout
 * (its files gone, its labels no longer the challenger's) leaves the challenger judged against the
 * majority baseline: logged as a warning, and the report's gate reason starts with why.
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

  /**
   * A champion and its predictions on one holdout revision: the paired test needs the champion's
   * answer for each example the challenger answered, so they are taken again whenever the holdout
   * changed.
   */
  private static final class ChampionState {
    final ModelVersion version;
    long holdoutRevision;
    List<String> labels;
    int[] predicted;

    ChampionState(
        ModelVersion version, long holdoutRevision, List<String> labels, int[] predicted) {
      this.version = version;
      this.holdoutRevision = holdoutRevision;
      this.labels = labels;
      this.predicted = predicted;
    }

    static ChampionState unscored(ModelVersion version) {
      return new ChampionState(version, NEVER_SCORED, List.of(), null);
    }
  }

  private static final long NEVER_SCORED = Long.MIN_VALUE;

  private final ModelLoader loader;
  private final ChampionGate gate;
  private final HoldoutScorer scorer;
  private final double confidenceLevel;
  private final Clock clock;
  private final Map<String, ChampionState> champions = new HashMap<>();

  /** Scores, intervals, latency and the gate as the spec's evaluator section sets them. */
  public VersionEvaluator(ModelLoader loader, EvaluatorSpec spec, Clock clock) {
    this(loader, ChampionGate.of(spec), spec, clock);
  }

  /** This gate; intervals and latency at the evaluator section's defaults. */
  public VersionEvaluator(ModelLoader loader, ChampionGate gate, Clock clock) {
    this(loader, gate, EvaluatorSpec.defaults(), clock);
  }

  private VersionEvaluator(ModelLoader loader, ChampionGate gate, EvaluatorSpec spec, Clock clock) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.scorer = new HoldoutScorer(spec);
    this.confidenceLevel = spec.confidenceLevel();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Takes a version published on the promoted topic before this process started as its model's
   * champion; it is scored on the holdout when the next challenger arrives.
   */
  public void recoverChampion(ModelVersion promoted) {
    champions.put(promoted.getModelId(), ChampionState.unscored(promoted));
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
    champions.put(promoted.getModelId(), ChampionState.unscored(promoted));
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
    HoldoutScorer.Scores scores;
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
      scores = scorer.score(model, holdout, actual.get());
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      String where =
          message.contains(version.getStorePath()) ? "" : " from " + version.getStorePath();
      return new Skipped("cannot score " + name + where + ": " + message, true);
    }
    ClassificationMetrics metrics = scores.metrics();

    ChampionState state = champions.get(version.getModelId());
    Optional<ChampionGate.Champion> champion =
        Optional.ofNullable(state).map(c -> championOnHoldout(c, holdout, name, metrics.labels()));
    champion
        .filter(c -> c.unscoredBecause() != null)
        .ifPresent(
            c ->
                LOG.warn(
                    "champion {} v{} {}: {} is judged against the majority baseline",
                    version.getModelId(),
                    c.version(),
                    c.unscoredBecause(),
                    name));
    // one draw of the resamples serves the report's intervals and the gate's paired bootstrap
    Bootstrap.Draws draws =
        gate.bootstrap()
            .draw(
                scores.actual(),
                scores.predicted(),
                champion.map(ChampionGate.Champion::predicted).orElse(null),
                metrics.labels().size());
    ChampionGate.Decision decision =
        gate.decide(
            new ChampionGate.Challenger(
                version.getVersion(), scores.actual(), scores.predicted(), metrics, draws),
            champion);
    if (decision.promoted()) {
      champions.put(
          version.getModelId(),
          new ChampionState(version, holdout.revision(), metrics.labels(), scores.predicted()));
    }
    EvaluationReport report =
        ReportBuilder.build(version, scores, draws, confidenceLevel, decision, clock.instant());
    return new Evaluated(
        report, metrics, decision.promoted() ? Optional.of(version) : Optional.empty());
  }

  /**
   * The champion's predictions on this holdout in the challenger's {@code labels}, re-scored when
   * the holdout changed since they were taken; or why there are none.
   */
  private ChampionGate.Champion championOnHoldout(
      ChampionState champion, HoldoutSet.Snapshot holdout, String challenger, List<String> labels) {
    int version = champion.version.getVersion();
    if (champion.holdoutRevision != holdout.revision()) {
      String failure = rescore(champion, holdout);
      if (failure != null) {
        return ChampionGate.Champion.unscored(version, failure);
      }
    }
    return inLabelsOf(champion, labels)
        .map(mapped -> new ChampionGate.Champion(version, mapped))
        .orElseGet(
            () ->
                ChampionGate.Champion.unscored(
                    version,
                    "predicts labels "
                        + champion.labels
                        + " that "
                        + challenger
                        + " does not have"));
  }

  /**
   * Takes the champion's predictions on {@code holdout} into its state.
   *
   * @return null when done, else what kept it from being scored
   */
  private String rescore(ChampionState champion, HoldoutSet.Snapshot holdout) {
    String name = champion.version.getModelId() + " v" + champion.version.getVersion();
    try (ScoringModel model = loader.load(champion.version)) {
      int width = holdout.features()[0].length;
      if (model.featureCount() != width) {
        return "could not be scored on this holdout: "
            + featureMismatch(name, model.featureCount(), width);
      }
      int[] predicted = model.predict(holdout.inputs());
      champion.labels = List.copyOf(model.labels());
      champion.predicted = predicted;
      champion.holdoutRevision = holdout.revision();
      return null;
    } catch (RuntimeException e) {
      return "could not be loaded (" + e.getMessage() + ")";
    }
  }

  /**
   * The champion's predictions as indexes of the challenger's {@code labels}, matched by name;
   * empty when the champion predicted a label the challenger does not have.
   */
  private static Optional<int[]> inLabelsOf(ChampionState champion, List<String> labels) {
    int[] mapped = new int[champion.predicted.length];
    for (int i = 0; i < mapped.length; i++) {
      int index = labels.indexOf(champion.labels.get(champion.predicted[i]));
      if (index < 0) {
        return Optional.empty();
      }
      mapped[i] = index;
    }
    return Optional.of(mapped);
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
