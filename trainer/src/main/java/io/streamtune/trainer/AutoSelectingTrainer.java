package io.streamtune.trainer;

import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SelectionSpec;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.trainer.selection.Candidate;
import io.streamtune.trainer.selection.Candidates;
import io.streamtune.trainer.selection.ModelSelection;
import io.streamtune.trainer.selection.Ranking;
import io.streamtune.trainer.selection.SelectionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code trainer.backbone: auto}: picks the backbone by model selection ({@link ModelSelection},
 * the core of {@code streamtune select}) and delegates every call to the winner's trainer.
 *
 * <p>The selection runs on the first round whose buffer holds {@code trainer.selection.minExamples}
 * examples (the first full buffer). Rounds before it train the cheapest candidate, marked
 * provisional, so versions keep flowing while the buffer fills. After it, the winner trains every
 * round like a fixed backbone; {@link #requestReselection()} (a {@code RESELECT} control request,
 * or a concept drift) makes the next round select again and replace the delegate by the new winner.
 * Each version's {@value VersionPublisher#TRAINING_FILE} records the selection ({@value
 * #DETAILS_KEY}): the winner's {@code trainer} section, so a restart resumes the stored winner, and
 * the ranking.
 */
final class AutoSelectingTrainer implements WarmStartingTrainer {

  /** The key of the selection's record in {@code training.json}. */
  static final String DETAILS_KEY = "selection";

  private static final Logger LOG = LoggerFactory.getLogger(AutoSelectingTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The trainer of {@code auto}: the backbones' trainers come from {@link TrainerKinds}. */
  static final ModelTrainerFactory KIND = factory(TrainerKinds.registry());

  private final ModelTrainerFactory.Setup setup;
  private final ModelTrainerFactory backbones;
  private final List<Candidate> candidates;
  private ModelTrainer delegate;
  private Candidate current;
  private boolean provisional;
  private volatile boolean reselect;

  /** Selections this model has run, over restarts: the n-th is recorded as {@code number} n. */
  private int selections;

  private Map<String, Object> record = Map.of();

  /** A selection not yet published on {@code metrics}, null when none. */
  private ModelSelection.Report unpublished;

  private AutoSelectingTrainer(
      ModelTrainerFactory.Setup setup, ModelTrainerFactory backbones, List<Candidate> candidates) {
    this.setup = setup;
    this.backbones = backbones;
    this.candidates = candidates;
  }

  /**
   * The {@code auto} factory over {@code backbones}, which trains the candidates and the winner.
   */
  static ModelTrainerFactory factory(ModelTrainerFactory backbones) {
    return new ModelTrainerFactory() {
      @Override
      public String architecture(Setup setup) {
        return TrainerSpec.AUTO;
      }

      @Override
      public String architecture(Setup setup, Path storedVersion) {
        // a stored version resumes when it holds a winner: auto names no architecture itself
        return readSelection(storedVersion)
            .map(StoredSelection::winner)
            .map(winner -> backbones.architecture(winnerSetup(setup, winner)))
            .orElse(TrainerSpec.AUTO);
      }

      @Override
      public ModelTrainer create(Setup setup) {
        return new AutoSelectingTrainer(setup, backbones, candidatesOf(setup.spec()));
      }

      @Override
      public ModelTrainer resume(Setup setup, Path versionDir) {
        AutoSelectingTrainer auto =
            new AutoSelectingTrainer(setup, backbones, candidatesOf(setup.spec()));
        StoredSelection stored =
            readSelection(versionDir)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            versionDir + " holds no selection to resume (" + DETAILS_KEY + ")"));
        auto.current = stored.winner();
        auto.provisional = stored.provisional();
        auto.record = stored.record();
        auto.selections = stored.selections();
        auto.delegate = backbones.resume(winnerSetup(setup, stored.winner()), versionDir);
        LOG.info(
            "model {}: resuming the selected {} ({}) of {}",
            setup.modelId(),
            stored.winner().name(),
            stored.provisional() ? "provisional" : "selected",
            versionDir);
        return auto;
      }
    };
  }

  /** The candidates {@code trainer.selection.candidates} names, every one of the modality else. */
  static List<Candidate> candidatesOf(PipelineSpec spec) {
    List<String> named = spec.trainer().selection().candidates();
    return named.isEmpty() ? Candidates.all(spec) : Candidates.named(spec, named);
  }

  /** The winner's setup: the spec with the winner's {@code trainer} section. */
  static ModelTrainerFactory.Setup winnerSetup(ModelTrainerFactory.Setup setup, Candidate winner) {
    return new ModelTrainerFactory.Setup(
        setup.modelId(),
        setup.spec().withTrainer(winner.trainer()),
        setup.store(),
        setup.featureCount(),
        setup.device(),
        setup.threads(),
        setup.sharedEmbeddings());
  }

  @Override
  public boolean requestReselection() {
    reselect = true;
    return true;
  }

  /** The candidate trained now: the winner, or the provisional cheapest one; null before. */
  Candidate current() {
    return current;
  }

  boolean provisional() {
    return provisional;
  }

  /**
   * Passes the count of new examples on, so the winner's warm rounds stay proportionate to what is
   * new ({@code trainer.warmRoundScaling}); a delegate just created trains its first, full round.
   */
  @Override
  public Result train(ExampleBuffer.Snapshot data, long newExamples, BooleanSupplier cancelled) {
    SelectionSpec settings = setup.trainer().selection();
    boolean due = delegate == null || provisional || reselect;
    if (due && data.size() >= settings.minExamples()) {
      select(data, settings);
    } else if (delegate == null) {
      Candidate cheapest = SelectionBudget.cheapestFirst(candidates).get(0);
      LOG.info(
          "model {}: {} examples, the selection waits for {} (trainer.selection.minExamples);"
              + " training the cheapest candidate {} meanwhile",
          setup.modelId(),
          data.size(),
          settings.minExamples(),
          cheapest.name());
      replaceDelegate(
          cheapest,
          true,
          provisionalRecord(
              cheapest,
              "the buffer holds "
                  + data.size()
                  + " examples; the selection waits for "
                  + settings.minExamples()));
    }
    return delegate.train(data, newExamples, cancelled);
  }

  private void select(ExampleBuffer.Snapshot data, SelectionSpec settings) {
    Path scratch;
    try {
      scratch = Files.createTempDirectory("streamtune-selection-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the selection's scratch directory", e);
    }
    ModelSelection.Report report;
    // a request that arrives while this selection runs asks for another one
    reselect = false;
    try {
      ModelSelection.Options options =
          new ModelSelection.Options(
              settings.folds(),
              settings.budgetSeconds() == 0 ? null : Duration.ofSeconds(settings.budgetSeconds()),
              new Ranking.Settings(settings.resamples(), 0.95, 0.05, setup.trainer().seed()),
              setup.device(),
              setup.threads(),
              scratch);
      LOG.info(
          "model {}: selecting the backbone on {} examples among {}",
          setup.modelId(),
          data.size(),
          candidates.stream().map(Candidate::name).toList());
      report =
          ModelSelection.run(
              setup.spec(),
              data,
              candidates,
              options,
              backbones,
              line -> LOG.info("model {}: selection {}", setup.modelId(), line));
    } catch (IllegalArgumentException e) {
      // data a selection cannot use yet (one class only): keep what trains and try next round
      LOG.warn("model {}: no selection this round: {}", setup.modelId(), e.getMessage());
      reselect = delegate != null && !provisional;
      if (delegate == null) {
        Candidate cheapest = SelectionBudget.cheapestFirst(candidates).get(0);
        replaceDelegate(
            cheapest, true, provisionalRecord(cheapest, "no selection: " + e.getMessage()));
      }
      return;
    } finally {
      ModelStore.deleteQuietly(scratch);
    }
    Candidate winner = report.winner();
    if (winner == null) {
      // every candidate skipped or failed (e.g. a budget too small): keep training what trains
      LOG.warn(
          "model {}: no candidate of the selection ran ({}); keeping {}",
          setup.modelId(),
          report.skipped().stream().map(s -> s.name() + ": " + s.reason()).toList(),
          delegate == null ? "the cheapest candidate" : current.name());
      if (delegate == null) {
        Candidate cheapest = SelectionBudget.cheapestFirst(candidates).get(0);
        replaceDelegate(
            cheapest, true, provisionalRecord(cheapest, "no candidate of the selection ran"));
      }
      return;
    }
    LOG.info(
        "model {}: selected {} (macro F1 {}) on {} examples in {} s",
        setup.modelId(),
        winner.name(),
        String.format(java.util.Locale.ROOT, "%.4f", report.ranking().get(0).macroF1()),
        report.examples(),
        String.format(java.util.Locale.ROOT, "%.1f", report.seconds()));
    selections++;
    replaceDelegate(winner, false, SelectionRecord.of(report, winner, selections));
    unpublished = report;
  }

  private void replaceDelegate(
      Candidate candidate, boolean isProvisional, Map<String, Object> rec) {
    ModelTrainer next = backbones.create(winnerSetup(setup, candidate));
    if (delegate != null) {
      delegate.close();
    }
    delegate = next;
    current = candidate;
    provisional = isProvisional;
    record = rec;
  }

  private static Map<String, Object> provisionalRecord(Candidate cheapest, String reason) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("winner", cheapest.name());
    rec.put("trainer", cheapest.trainer());
    rec.put("provisional", true);
    rec.put("number", 0);
    rec.put("reason", reason);
    return rec;
  }

  /** What a stored version's {@code training.json} says about its selection. */
  record StoredSelection(
      Candidate winner, boolean provisional, int selections, Map<String, Object> record) {}

  static Optional<StoredSelection> readSelection(Path versionDir) {
    Path file = versionDir.resolve(VersionPublisher.TRAINING_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode selection = JSON.readTree(file.toFile()).path(DETAILS_KEY);
      if (!selection.has("winner") || !selection.has("trainer")) {
        return Optional.empty();
      }
      TrainerSpec trainer = JSON.treeToValue(selection.get("trainer"), TrainerSpec.class);
      Candidate winner = new Candidate(selection.get("winner").asText(), trainer, "", 1);
      @SuppressWarnings("unchecked")
      Map<String, Object> rec = JSON.treeToValue(selection, Map.class);
      return Optional.of(
          new StoredSelection(
              winner,
              selection.path("provisional").asBoolean(false),
              selection.path("number").asInt(0),
              rec));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the selection stored in {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /** The winner's (or provisional) trainer every call goes to. */
  ModelTrainer delegate() {
    if (delegate == null) {
      throw new IllegalStateException(
          "model " + setup.modelId() + ": backbone auto has no model before its first round");
    }
    return delegate;
  }

  @Override
  public String architecture() {
    return delegate().architecture();
  }

  @Override
  public int inputWidth() {
    return delegate().inputWidth();
  }

  @Override
  public int metadataFeatureCount() {
    return delegate().metadataFeatureCount();
  }

  @Override
  public String deviceName() {
    return delegate == null ? setup.device().toString() : delegate.deviceName();
  }

  @Override
  public Model model() {
    return delegate().model();
  }

  @Override
  public Map<String, ModelStore.FileContent> files() {
    return delegate().files();
  }

  @Override
  public long parameterCount() {
    return delegate().parameterCount();
  }

  @Override
  public ModelMetadata metadata(PipelineSpec spec, String modelId, int version, Instant createdAt) {
    // the winner's spec: its backbone and hidden units, not the literal auto
    return delegate().metadata(spec.withTrainer(current.trainer()), modelId, version, createdAt);
  }

  @Override
  public List<EvaluationReport> metricsReports(String modelId, int version, Instant at) {
    if (unpublished == null) {
      return List.of();
    }
    EvaluationReport report =
        SelectionRecord.toAvro(modelId, version, at, unpublished, current, selections);
    unpublished = null;
    return List.of(report);
  }

  @Override
  public Map<String, Object> trainingDetails() {
    Map<String, Object> details = new LinkedHashMap<>(delegate().trainingDetails());
    details.put(DETAILS_KEY, record);
    return details;
  }

  @Override
  public void close() {
    if (delegate != null) {
      delegate.close();
    }
  }
}
