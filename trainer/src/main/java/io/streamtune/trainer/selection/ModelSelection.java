package io.streamtune.trainer.selection;

import ai.djl.Device;
import io.streamtune.model.metrics.Latency;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.model.text.EmbeddingCache;
import io.streamtune.model.text.MiniLmEncoder;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import io.streamtune.trainer.ExampleBuffer;
import io.streamtune.trainer.ModelTrainerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Model selection without Kafka or a command line: trains every candidate on the same seeded
 * stratified folds ({@link Folds}), scores each on the examples it did not train on ({@link
 * FoldRun}), and ranks them with confidence intervals and paired tests against the best ({@link
 * Ranking}), within a time budget ({@link SelectionBudget}). {@code streamtune select} prints and
 * writes its {@link Report}; the trainer service can run it on a full buffer.
 */
public final class ModelSelection {

  /**
   * How a selection runs.
   *
   * @param folds k for k-fold, 1 for one holdout, 0 to decide by the data's size ({@link
   *     Folds#plan})
   * @param budget the whole selection's time; null for none
   * @param scratch where the candidates' versions are stored to be scored (the caller deletes it)
   */
  public record Options(
      int folds,
      Duration budget,
      Ranking.Settings ranking,
      Device device,
      int threads,
      Path scratch) {}

  /** What a candidate that ran measured, over all its folds. */
  public record Measured(
      Candidate candidate,
      double trainSeconds,
      double latencyP50Ms,
      double latencyP99Ms,
      long parameterCount,
      int[] predicted) {}

  /** A candidate that did not run, and why. */
  public record Skipped(String name, String reason) {}

  /**
   * The outcome.
   *
   * @param actual the scored examples' classes: every example under k-fold, the holdout part else
   * @param split e.g. {@code 5-fold stratified (out-of-fold predictions)}
   */
  public record Report(
      List<String> labels,
      int examples,
      int folds,
      String split,
      int[] actual,
      List<Ranking.Row> ranking,
      Map<String, Measured> measured,
      List<Skipped> skipped,
      double seconds) {

    /** The best candidate, or null when none ran. */
    public Candidate winner() {
      return ranking.isEmpty() ? null : measured.get(ranking.get(0).name()).candidate();
    }
  }

  private ModelSelection() {}

  /**
   * Runs the selection.
   *
   * @param data every example (its items carry the features, pixels or texts)
   * @param progress receives one line per fold and candidate (rate, ETA) and per skip
   * @throws IllegalArgumentException when the data is empty, has one class only, or a class has
   *     fewer examples than folds
   */
  public static Report run(
      PipelineSpec spec,
      ExampleBuffer.Snapshot data,
      List<Candidate> candidates,
      Options options,
      ModelTrainerFactory factory,
      Consumer<String> progress) {
    long start = System.nanoTime();
    checkData(spec, data);
    ExampleBuffer.Snapshot named = withRowIds(data);
    List<Folds.Fold> folds =
        Folds.plan(named.labels(), named.numClasses(), options.folds(), options.ranking().seed());
    int[] scoredIndices =
        folds.stream().flatMapToInt(f -> Arrays.stream(f.scored())).sorted().toArray();
    int[] position = new int[named.size()];
    Arrays.fill(position, -1);
    for (int i = 0; i < scoredIndices.length; i++) {
      position[scoredIndices[i]] = i;
    }
    int[] actual = Arrays.stream(scoredIndices).map(i -> named.labels()[i]).toArray();
    int trainPerFold = folds.get(0).train().length;
    SelectionBudget budget = new SelectionBudget(options.budget());
    List<Candidate> ordered = SelectionBudget.cheapestFirst(candidates);
    Map<String, Measured> measured = new LinkedHashMap<>();
    List<Skipped> skipped = new ArrayList<>();
    ModelTrainerFactory.SharedEmbeddings shared = sharedEmbeddings(candidates, named, options);
    try (StoreModelLoader loader =
            shared == null
                ? new StoreModelLoader(options.scratch())
                : new StoreModelLoader(options.scratch(), shared.encoder(), shared.cache());
        AutoCloseable encoder = shared == null ? () -> {} : shared.encoder()) {
      FoldRun runner =
          new FoldRun(
              spec,
              options.scratch(),
              loader,
              factory,
              new FoldRun.Resources(options.device(), options.threads(), shared),
              folds.size());
      for (int c = 0; c < ordered.size(); c++) {
        Candidate candidate = ordered.get(c);
        double prior = SelectionBudget.priorSeconds(candidate, trainPerFold, folds.size());
        double elapsed = (System.nanoTime() - start) / 1e9;
        String label =
            String.format(Locale.ROOT, "[%d/%d] %s", c + 1, ordered.size(), candidate.name());
        var reason = budget.skipReason(budget.estimateSeconds(prior), elapsed);
        if (reason.isPresent()) {
          skipped.add(new Skipped(candidate.name(), reason.get()));
          progress.accept(label + ": skipped, " + reason.get());
          continue;
        }
        Measured result;
        try {
          result =
              runCandidate(
                  candidate, named, folds, runner, position, budget, start, label, progress);
        } catch (BudgetStop stop) {
          skipped.add(new Skipped(candidate.name(), stop.getMessage()));
          continue;
        } catch (RuntimeException e) {
          // one candidate that cannot train (e.g. out of memory) must not lose the others' results
          String failure = "failed: " + e.getMessage();
          skipped.add(new Skipped(candidate.name(), failure));
          progress.accept(label + ": " + failure);
          continue;
        }
        budget.observed(prior, result.trainSeconds());
        measured.put(candidate.name(), result);
      }
    } catch (Exception e) {
      throw e instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException("cannot close the MiniLM encoder", e);
    }
    List<Ranking.Scored> scored =
        measured.values().stream()
            .map(m -> new Ranking.Scored(m.candidate().name(), m.predicted()))
            .toList();
    List<Ranking.Row> ranking =
        Ranking.rank(actual, spec.label().classes(), scored, options.ranking());
    String split =
        folds.size() == 1
            ? String.format(
                Locale.ROOT,
                "stratified holdout: %d train, %d scored",
                trainPerFold,
                scoredIndices.length)
            : folds.size() + "-fold stratified, out-of-fold predictions";
    return new Report(
        spec.label().classes(),
        named.size(),
        folds.size(),
        split,
        actual,
        ranking,
        measured,
        skipped,
        (System.nanoTime() - start) / 1e9);
  }

  private static Measured runCandidate(
      Candidate candidate,
      ExampleBuffer.Snapshot data,
      List<Folds.Fold> folds,
      FoldRun runner,
      int[] position,
      SelectionBudget budget,
      long selectionStart,
      String label,
      Consumer<String> progress) {
    int[] predicted = new int[Arrays.stream(position).max().orElse(-1) + 1];
    double trainSeconds = 0;
    long parameters = -1;
    List<long[]> latencies = new ArrayList<>();
    long candidateStart = System.nanoTime();
    for (int f = 0; f < folds.size(); f++) {
      Folds.Fold fold = folds.get(f);
      FoldRun.Outcome outcome = runner.run(candidate, data, fold);
      for (int i = 0; i < fold.scored().length; i++) {
        predicted[position[fold.scored()[i]]] = outcome.predicted()[i];
      }
      trainSeconds += outcome.trainSeconds();
      parameters = outcome.parameterCount();
      latencies.add(outcome.latencyNanos());
      double spent = (System.nanoTime() - candidateStart) / 1e9;
      double perFold = spent / (f + 1);
      double remaining = perFold * (folds.size() - f - 1);
      progress.accept(
          String.format(
              Locale.ROOT,
              "%s fold %d/%d: trained on %d examples in %.1f s (%.0f examples/s), scored %d;"
                  + " candidate ETA %.0f s",
              label,
              f + 1,
              folds.size(),
              fold.train().length,
              outcome.trainSeconds(),
              fold.train().length / Math.max(outcome.trainSeconds(), 1e-9),
              fold.scored().length,
              remaining));
      double elapsed = (System.nanoTime() - selectionStart) / 1e9;
      if (f + 1 < folds.size() && budget.skipReason(remaining, elapsed).isPresent()) {
        String reason =
            String.format(
                Locale.ROOT,
                "stopped after fold %d of %d: the remaining %.0f s would exceed the budget",
                f + 1,
                folds.size(),
                remaining);
        progress.accept(label + ": " + reason);
        throw new BudgetStop(reason);
      }
    }
    long[] nanos = latencies.stream().flatMapToLong(Arrays::stream).toArray();
    Latency latency = nanos.length == 0 ? null : Latency.ofNanos(nanos);
    return new Measured(
        candidate,
        trainSeconds,
        latency == null ? Double.NaN : latency.p50Millis(),
        latency == null ? Double.NaN : latency.p99Millis(),
        parameters,
        predicted);
  }

  /**
   * One MiniLM encoder and cache for every MiniLM-probe fold and its scoring, when a candidate
   * needs them: each text is encoded once (ids are row numbers) instead of once per fold and again
   * to be scored. Embeddings depend on the text only, so sharing them leaks nothing between folds.
   */
  private static ModelTrainerFactory.SharedEmbeddings sharedEmbeddings(
      List<Candidate> candidates, ExampleBuffer.Snapshot data, Options options) {
    boolean minilm =
        candidates.stream().anyMatch(c -> TrainerSpec.MINILM.equals(c.trainer().backbone()));
    if (!minilm) {
      return null;
    }
    // the examples plus the latency samples, scored under ids of their own
    EmbeddingCache cache = new EmbeddingCache(2 * data.size() + 64);
    return new ModelTrainerFactory.SharedEmbeddings(
        new MiniLmEncoder(MiniLmEncoder.Options.defaults(options.threads())), cache);
  }

  /** A candidate stopped between folds because the rest would not fit the budget. */
  private static final class BudgetStop extends RuntimeException {
    BudgetStop(String reason) {
      super(reason, null, false, false);
    }
  }

  private static void checkData(PipelineSpec spec, ExampleBuffer.Snapshot data) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("no examples to select on: the input is empty");
    }
    long[] counts = data.classCounts();
    List<String> present = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0) {
        present.add(spec.label().classes().get(c));
      }
    }
    if (present.size() < 2) {
      throw new IllegalArgumentException(
          "the input has one class only ("
              + present
              + "); a selection needs examples of at least two of "
              + spec.label().classes());
    }
  }

  /**
   * Ids that name one example each ({@code row-<index>}): text models cache embeddings by id, and a
   * dataset's own ids may repeat.
   */
  private static ExampleBuffer.Snapshot withRowIds(ExampleBuffer.Snapshot data) {
    List<ExampleBuffer.Item> items = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      ExampleBuffer.Item item = data.items().get(i);
      items.add(
          new ExampleBuffer.Item(
              "row-" + i, item.label(), item.features(), item.image(), item.text()));
    }
    return new ExampleBuffer.Snapshot(data.features(), data.labels(), data.numClasses(), items);
  }
}
