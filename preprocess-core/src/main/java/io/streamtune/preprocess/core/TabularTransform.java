package io.streamtune.preprocess.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.core.steps.BackgroundFit;
import io.streamtune.preprocess.core.steps.Frame;
import io.streamtune.preprocess.core.steps.Json;
import io.streamtune.preprocess.core.steps.ReferenceProfile;
import io.streamtune.preprocess.core.steps.RowRejected;
import io.streamtune.preprocess.core.steps.Step;
import io.streamtune.preprocess.core.steps.Steps;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PreprocessSpec;
import io.streamtune.spec.PreprocessSpec.Feature;
import io.streamtune.spec.StepSpec;
import io.streamtune.spec.StepSpec.Impute;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The preprocessing steps of a spec with their fitted state: one model shared by the batch mode
 * ({@link #prepareBatch}), the Flink operator ({@link #accept}) and any service that applies an
 * exported transform ({@link #fromJson}, {@link #apply}).
 *
 * <p>Streaming: a training row first updates each step's statistics (with the values as they reach
 * that step) and is then transformed; a holdout row is only transformed. With {@code warmup} > 0
 * the first rows are buffered and, once {@code warmup} training rows arrived, the steps are fitted
 * on them exactly like the batch mode (layer by layer: each step on the previous steps' final
 * output), and the buffered rows are emitted. After {@code freezeAfter} training rows nothing
 * changes any more. {@link #version()} counts the training rows fitted and is stamped on every
 * output, so each example says which fitted transform produced it.
 */
public final class TabularTransform {

  /**
   * The outcomes of a batch, one per input row in input order (rejections of stage {@link
   * DeadLetters#STAGE_CLEAN} or {@link DeadLetters#STAGE_TRANSFORM}), and the fitted transform.
   */
  public record BatchResult(List<Outcome<PreparedRow>> outcomes, TabularTransform pipeline) {}

  public static final String FORMAT = "streamtune-fitted-transform/1";

  final PipelineSpec spec;
  private final TabularLayout layout;
  final List<List<Feature>> frames;
  final List<String> featureNames;

  /** One per spec step; {@code null} where the step is a series imputation. */
  final List<Step> steps = new ArrayList<>();

  final List<SeriesImputer> series = new ArrayList<>();

  /** Spec steps before the first series imputation or fitted step (the dropMissing steps). */
  private final int rowFilters;

  long version;
  long seq;
  boolean frozen;
  boolean warmedUp;
  long warmupTrainRows;
  final List<RowInFlight> warmupBuffer = new ArrayList<>();

  /** Cells made missing because they were not numbers, per column, over every row accepted. */
  final BadCellCounts badCells = new BadCellCounts();

  /** The training inputs' distribution; null when read from JSON written without one. */
  ReferenceProfile reference;

  final ProfileFeed profileFeed = new ProfileFeed();

  /** The step whose batch fits run in the background ({@link #fitInBackground}); -1: none. */
  private int backgroundStep = -1;

  /** Rows past that step's fit, waiting for its batch fit, in arrival order. */
  final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  /** A row stopped at the background step: its frame there, or an earlier step's rejection. */
  private record Waiting(
      RowInFlight item, Frame frame, boolean fit, Outcome<PreparedRow> rejected) {}

  /** Read from {@link #toServingJson}: applies, but lacks the rows its statistics wait on. */
  boolean servingOnly;

  /** The spec as YAML, written into every JSON (once per published version and checkpoint). */
  String specYaml;

  TabularTransform(PipelineSpec spec) {
    this.spec = spec;
    this.layout = TabularLayout.of(spec);
    this.frames = spec.preprocess().frames(spec.columns(), "pipeline spec '" + spec.name() + "'");
    this.featureNames = frames.get(frames.size() - 1).stream().map(Feature::name).toList();
    List<StepSpec> stepSpecs = spec.preprocess().steps();
    int filters = 0;
    for (int i = 0; i < stepSpecs.size(); i++) {
      StepSpec stepSpec = stepSpecs.get(i);
      List<Feature> input = frames.get(i);
      if (stepSpec instanceof Impute impute && impute.isSeries()) {
        steps.add(null);
        series.add(seriesImputer(impute, input));
      } else {
        steps.add(Steps.create(spec, stepSpec, i, input));
        if (stepSpec instanceof StepSpec.DropMissing && filters == i) {
          filters++;
        }
      }
    }
    this.rowFilters = filters;
    this.warmedUp = spec.preprocess().warmup() == 0;
    this.reference = new ReferenceProfile(layout, spec.preprocess().sketchK());
  }

  public static TabularTransform create(PipelineSpec spec) {
    return new TabularTransform(spec);
  }

  private static SeriesImputer seriesImputer(Impute impute, List<Feature> input) {
    int[] columns =
        Steps.indexes(
            impute.columns(),
            input,
            impute.strategy() == PreprocessSpec.ImputeStrategy.INTERPOLATE
                ? PipelineSpec.ColumnType.NUMERIC
                : null);
    boolean[] numeric = new boolean[columns.length];
    for (int i = 0; i < columns.length; i++) {
      numeric[i] = input.get(columns[i]).isNumeric();
    }
    int key = -1;
    boolean keyNumeric = false;
    if (impute.by() != null) {
      for (int i = 0; i < input.size(); i++) {
        if (input.get(i).name().equals(impute.by())) {
          key = i;
          keyNumeric = input.get(i).isNumeric();
        }
      }
    }
    return new SeriesImputer(
        impute.strategy(), columns, numeric, key, keyNumeric, impute.maxHold(), impute.maxKeys());
  }

  public PipelineSpec spec() {
    return spec;
  }

  /** Names of the output features; equals {@code spec.featureNames()}. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Bad cells made missing ({@code preprocess.badValues: missing}) per column, all splits. */
  public BadCellCounts badCells() {
    return badCells;
  }

  /** Training rows fitted so far (stops growing once frozen). */
  public long version() {
    return version;
  }

  public boolean frozen() {
    return frozen;
  }

  /**
   * The distribution of the rows fitted on (train rows while not frozen), per input column: what a
   * monitor of the served inputs compares with. Empty when this transform was read from JSON
   * written before references existed.
   */
  public java.util.Optional<ReferenceProfile> reference() {
    profileFeed.flush();
    return java.util.Optional.ofNullable(reference);
  }

  /** Rows buffered by the warm-up or waiting for a background batch fit, not emitted yet. */
  public int buffered() {
    return warmupBuffer.size() + waiting.size();
  }

  /** Rows not emitted yet: {@link #buffered} or waiting for an interpolation. */
  public int held() {
    int held = buffered();
    for (SeriesImputer imputer : series) {
      held += imputer.waiting();
    }
    return held;
  }

  // ---------------------------------------------------------------- streaming

  /**
   * Takes one split row; returns the outcomes it releases (none while a warm-up buffers or an
   * interpolation waits, several when they end), in arrival order.
   */
  public List<Outcome<PreparedRow>> accept(ValidatedRow row) {
    if (servingOnly) {
      throw new IllegalStateException(
          "this fitted transform was published for serving (without the rows its statistics still"
              + " wait on): it applies to rows but cannot go on fitting; restore a checkpoint or a"
              + " `prepare --fitted` file instead");
    }
    if (row.split() == null) {
      throw new IllegalArgumentException("row " + row.id() + " has not been split");
    }
    List<Outcome<PreparedRow>> outcomes = new ArrayList<>();
    releaseIfDue(outcomes); // a freeze among the waiting rows decides whether this row fits
    badCells.add(row.badCells());
    RowInFlight item = new RowInFlight(row, toFrame(row), fitsWhileStreaming(row), ++seq);
    Outcome<PreparedRow> filtered = filterRow(item);
    if (filtered != null) {
      outcomes.add(filtered);
      return outcomes;
    }
    if (item.fits) {
      profileFeed.add(reference, row);
    }
    for (RowInFlight released : throughSeries(item)) {
      afterSeries(released, outcomes);
    }
    return outcomes;
  }

  private boolean fitsWhileStreaming(ValidatedRow row) {
    return row.split() == Split.TRAIN && !frozen;
  }

  Outcome<PreparedRow> filterRow(RowInFlight item) {
    try {
      for (int i = 0; i < rowFilters; i++) {
        steps.get(i).transform(item.frame);
      }
      return null;
    } catch (RowRejected e) {
      return rejected(item.row, e.stage(), e.reason());
    }
  }

  List<RowInFlight> throughSeries(RowInFlight item) {
    List<RowInFlight> items = List.of(item);
    for (SeriesImputer imputer : series) {
      List<RowInFlight> next = new ArrayList<>();
      for (RowInFlight each : items) {
        next.addAll(imputer.accept(each));
      }
      items = next;
    }
    return items;
  }

  private void afterSeries(RowInFlight item, List<Outcome<PreparedRow>> outcomes) {
    if (!warmedUp) {
      warmupBuffer.add(item);
      if (item.row.split() == Split.TRAIN) {
        warmupTrainRows++;
      }
      if (warmupTrainRows >= spec.preprocess().warmup()) {
        endWarmup(outcomes);
      }
      return;
    }
    releaseIfDue(outcomes);
    throughSteps(item, item.frame, item.fits && !frozen, false, outcomes);
  }

  /**
   * Fits (when {@code fit}) and transforms through the steps; a row that must be transformed with a
   * background batch fit's result waits in {@link #waiting} instead, and so does every row behind
   * it. {@code resumed}: a waiting row released, which goes on from the background step.
   */
  private void throughSteps(
      RowInFlight item,
      Frame frame,
      boolean fit,
      boolean resumed,
      List<Outcome<PreparedRow>> outcomes) {
    try {
      for (int i = resumed ? backgroundStep : rowFilters; i < steps.size(); i++) {
        Step step = steps.get(i);
        if (step == null) {
          continue;
        }
        if (i == backgroundStep && !resumed) {
          BackgroundFit background = background();
          if (fit && background.startsFit(frame) && !waiting.isEmpty()) {
            release(outcomes); // the waiting rows need this batch's predecessor, not this batch
          }
          if (fit) {
            step.fit(frame, item.row.labelIndex());
          }
          if (background.fitRunning() || !waiting.isEmpty()) {
            waiting.add(new Waiting(item, frame, fit, null));
            return;
          }
        } else if (fit && !(resumed && i == backgroundStep)) {
          step.fit(frame, item.row.labelIndex());
        }
        frame = step.transform(frame);
      }
    } catch (RowRejected e) {
      Outcome<PreparedRow> rejection = rejected(item.row, e.stage(), e.reason());
      if (!resumed && !waiting.isEmpty()) {
        waiting.add(new Waiting(item, null, fit, rejection));
      } else {
        countFitted(fit);
        outcomes.add(rejection);
      }
      return;
    }
    countFitted(fit);
    outcomes.add(finalOutcome(item.row, frame));
  }

  private BackgroundFit background() {
    return (BackgroundFit) steps.get(backgroundStep);
  }

  /**
   * Releases the waiting rows when their batch fit has ended, or when one of them will freeze the
   * transform (the rows after it must not fit).
   */
  private void releaseIfDue(List<Outcome<PreparedRow>> outcomes) {
    long freezeAfter = spec.preprocess().freezeAfter();
    if (!waiting.isEmpty()
        && (background().fitDone() || freezeAfter > 0 && version + waitingFits() >= freezeAfter)) {
      release(outcomes);
    }
  }

  /** Waiting rows that fitted: they count in {@link #version} when released. */
  private long waitingFits() {
    return waiting.stream().filter(Waiting::fit).count();
  }

  /** Awaits the background batch fit and releases the waiting rows in order. */
  private void release(List<Outcome<PreparedRow>> outcomes) {
    background().awaitFit();
    while (!waiting.isEmpty()) {
      Waiting next = waiting.poll();
      if (next.rejected != null) {
        countFitted(next.fit);
        outcomes.add(next.rejected);
      } else {
        throughSteps(next.item, next.frame, next.fit, true, outcomes);
      }
    }
  }

  /**
   * Runs the batch fits of the first step that has them (incremental PCA) on {@code executor}: rows
   * go on through the steps before it while a batch fit runs, and the rows past it wait for the
   * result, released by a later {@link #accept} or by {@link #settle} with exactly the inline fit's
   * outputs (a row a dropMissing step rejects may overtake them). {@link #settle} before {@link
   * #toJsonTree} or {@link #apply}. The reference profile is fed there too ({@link ProfileFeed});
   * reading or saving it waits for the rows given so far.
   */
  public TabularTransform fitInBackground(Executor executor) {
    java.util.Objects.requireNonNull(executor, "executor");
    profileFeed.inBackground(executor);
    for (int i = rowFilters; i < steps.size() && backgroundStep < 0; i++) {
      if (steps.get(i) instanceof BackgroundFit step) {
        step.fitInBackground(executor);
        backgroundStep = i;
      }
    }
    return this;
  }

  /**
   * Waits for a background batch fit and returns the outcomes of the rows that waited for it, in
   * arrival order; none when nothing waits. Before a checkpoint, at the end of the input.
   */
  public List<Outcome<PreparedRow>> settle() {
    List<Outcome<PreparedRow>> outcomes = new ArrayList<>();
    if (!waiting.isEmpty()) {
      release(outcomes);
    }
    return outcomes;
  }

  private void countFitted(boolean fit) {
    if (!fit) {
      return;
    }
    version++;
    long freezeAfter = spec.preprocess().freezeAfter();
    if (freezeAfter > 0 && version >= freezeAfter) {
      freeze();
    }
  }

  private void freeze() {
    if (!frozen) {
      frozen = true;
      for (Step step : steps) {
        if (step != null) {
          step.finish();
        }
      }
    }
  }

  private void endWarmup(List<Outcome<PreparedRow>> outcomes) {
    List<Frame> trainFrames = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (RowInFlight item : warmupBuffer) {
      if (item.fits) {
        trainFrames.add(item.frame.copy());
        labels.add(item.row.labelIndex());
      }
    }
    fitLayers(trainFrames, labels);
    version = trainFrames.size();
    warmedUp = true;
    long freezeAfter = spec.preprocess().freezeAfter();
    if (freezeAfter > 0 && version >= freezeAfter) {
      frozen = true;
    }
    for (RowInFlight item : warmupBuffer) {
      outcomes.add(transformFitted(item.row, item.frame));
    }
    warmupBuffer.clear();
  }

  /** Fits each step on the final output of the steps before it, like a scikit-learn Pipeline. */
  void fitLayers(List<Frame> current, List<Integer> labelList) {
    int[] labels = labelList.stream().mapToInt(Integer::intValue).toArray();
    for (int i = rowFilters; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step == null) {
        continue;
      }
      step.fitAll(current, labels);
      List<Frame> next = new ArrayList<>(current.size());
      List<Integer> nextLabels = new ArrayList<>(current.size());
      for (int r = 0; r < current.size(); r++) {
        try {
          next.add(step.transform(current.get(r)));
          nextLabels.add(labels[r]);
        } catch (RowRejected e) {
          // a rejected row fits no later step; its own outcome is reported when it is emitted
        }
      }
      current = next;
      labels = nextLabels.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Transforms a frame that has passed the row filters and series imputation, fitting nothing. */
  Outcome<PreparedRow> transformFitted(ValidatedRow row, Frame frame) {
    try {
      for (int i = rowFilters; i < steps.size(); i++) {
        Step step = steps.get(i);
        if (step != null) {
          frame = step.transform(frame);
        }
      }
    } catch (RowRejected e) {
      return rejected(row, e.stage(), e.reason());
    }
    return finalOutcome(row, frame);
  }

  private Outcome<PreparedRow> finalOutcome(ValidatedRow row, Frame frame) {
    float[] features = new float[frame.width()];
    for (int i = 0; i < features.length; i++) {
      double x = frame.numbers[i];
      if (Double.isNaN(x)) {
        return rejected(
            row,
            DeadLetters.STAGE_TRANSFORM,
            "feature '"
                + featureNames.get(i)
                + "' is missing after preprocess.steps (add an impute step for it)");
      }
      features[i] = (float) x;
      if (!Float.isFinite(features[i])) {
        return rejected(
            row,
            DeadLetters.STAGE_TRANSFORM,
            "feature '" + featureNames.get(i) + "' is not finite (" + x + ")");
      }
    }
    return Outcome.accepted(new PreparedRow(row, features, version));
  }

  private static Outcome<PreparedRow> rejected(ValidatedRow row, String stage, String reason) {
    return new Outcome.Rejected<>(stage, reason, row.id(), row.source());
  }

  // ---------------------------------------------------------------- apply only

  /**
   * Transforms a row with the fitted parameters without changing them (an exported transform
   * applied by another service). Series imputation fills from the last known values.
   */
  public Outcome<PreparedRow> apply(ValidatedRow row) {
    RowInFlight item = new RowInFlight(row, toFrame(row), false, 0);
    Outcome<PreparedRow> filtered = filterRow(item);
    if (filtered != null) {
      return filtered;
    }
    for (SeriesImputer imputer : series) {
      imputer.fillReadOnly(item);
    }
    return transformFitted(row, item.frame);
  }

  // ---------------------------------------------------------------- batch

  /**
   * The batch mode: fits every step on the rows {@code fitOn} accepts, layer by layer as a
   * scikit-learn Pipeline does, then transforms every row. Outcomes are in input order.
   */
  public static BatchResult prepareBatch(
      PipelineSpec spec, List<ValidatedRow> rows, Predicate<ValidatedRow> fitOn) {
    return BatchPreparation.prepare(new TabularTransform(spec), rows, fitOn);
  }

  // ---------------------------------------------------------------- rows

  Frame toFrame(ValidatedRow row) {
    List<TabularLayout.Column> columns = layout.columns();
    Frame frame = Frame.ofWidth(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      TabularLayout.Column column = columns.get(i);
      if (column.type() == PipelineSpec.ColumnType.NUMERIC) {
        frame.numbers[i] = row.numericValues()[column.index()];
      } else {
        frame.numbers[i] = Double.NaN;
        frame.texts[i] = row.categoricalValues()[column.index()];
      }
    }
    return frame;
  }

  // ---------------------------------------------------------------- JSON

  /**
   * The whole fitted state as JSON: the spec, the version, each step's readable parameters (means,
   * scales, quantiles, categories, components...) and the statistics to go on fitting, plus rows a
   * warm-up or an interpolation still holds. Flink checkpoints it; {@code prepare --fitted} writes
   * it; {@link #fromJson} reads it back.
   */
  public ObjectNode toJsonTree() {
    return FittedTransformJson.write(this, true);
  }

  /**
   * The published form ({@code transforms} topic, stored beside each model version), compact UTF-8:
   * {@link #toJsonTree} without the rows a step still waits on before its next batch fit
   * (incremental PCA's pending rows: up to a batch of full-width rows, most of the state's bytes).
   * What serving needs, the parameters and the reference profile, is all there; {@link #fromJson}
   * of it applies like this transform but refuses to go on fitting.
   */
  public byte[] toServingJson() {
    try {
      return Json.MAPPER.writeValueAsBytes(FittedTransformJson.write(this, false));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the fitted transform", e);
    }
  }

  /** {@link #toJsonTree} indented, for people ({@code prepare --fitted}). */
  public String toJson() {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the fitted transform", e);
    }
  }

  /** {@link #toJsonTree} without indentation, as UTF-8: what a checkpoint stores. */
  public byte[] toCompactJson() {
    try {
      return Json.MAPPER.writeValueAsBytes(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the fitted transform", e);
    }
  }

  /** Reads what {@link #toJson} wrote; the spec inside it is validated again. */
  public static TabularTransform fromJson(String json) {
    return FittedTransformJson.read(json);
  }
}
