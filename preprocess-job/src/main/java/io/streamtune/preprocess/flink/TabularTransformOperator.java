package io.streamtune.preprocess.flink;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.PreprocessConfigDefaults;
import io.streamtune.preprocess.core.DeadLetters;
import io.streamtune.preprocess.core.PreparedRow;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.TransformPublication;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.spec.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Fits the preprocessing steps on training rows and transforms every row (logic in {@link
 * TabularTransform}). The fitted state is global, so the operator runs as a single subtask and
 * keeps the pipeline on the heap; every checkpoint stores it (as the same JSON {@code prepare
 * --fitted} writes) in operator state, and a restore continues exactly where the snapshot was
 * taken. Rows a step rejects go to {@link #DEAD_LETTERS}.
 *
 * <p>Incremental PCA's batch fits (a third of this thread's time when inline) run on a thread of
 * their own ({@link TabularTransform#fitInBackground}): the rows after a batch wait for its result
 * while the next rows go through the steps before PCA, and are emitted when it ends, in order, with
 * the inline fit's outputs. An operator rather than a function, because the waiting rows are
 * released before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}): the state a
 * checkpoint stores never holds a running fit, and the rows land in the checkpoint's transaction as
 * they would inline.
 */
public final class TabularTransformOperator extends AbstractStreamOperator<Example>
    implements OneInputStreamOperator<ValidatedRow, Example>, BoundedOneInput {

  private static final long serialVersionUID = 1L;

  public static final String STATE_NAME = "fitted-transform";

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("transform-dead-letters", TypeInformation.of(DeadLetter.class));

  /** Published versions of the fitted transform ({@link TransformPublication}). */
  public static final OutputTag<TransformVersion> TRANSFORMS =
      new OutputTag<>("fitted-transforms", TypeInformation.of(TransformVersion.class));

  private final PipelineSpec spec;
  private final long publishEvery;
  private transient TransformPublication publication;

  private transient TabularTransform pipeline;
  private transient ListState<byte[]> checkpointed;
  private transient ExecutorService batchFits;
  private transient Counter trainExamples;
  private transient Counter holdoutExamples;
  private transient Map<String, Counter> deadLettersByStage;

  public TabularTransformOperator(PipelineSpec spec) {
    this(spec, PreprocessConfigDefaults.TRANSFORM_PUBLISH_EVERY);
  }

  /**
   * @param publishEvery training rows fitted between two published versions of the transform
   */
  public TabularTransformOperator(PipelineSpec spec, long publishEvery) {
    this.spec = java.util.Objects.requireNonNull(spec, "spec");
    this.publishEvery = publishEvery;
  }

  /** The operator state holding the fitted transform as JSON (tests read it back). */
  public static ListStateDescriptor<byte[]> stateDescriptor() {
    return new ListStateDescriptor<>(
        STATE_NAME,
        org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  }

  /** The pipeline as it is now (tests). */
  public TabularTransform pipeline() {
    return pipeline;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    checkpointed = context.getOperatorStateStore().getListState(stateDescriptor());
    pipeline = null;
    if (context.isRestored()) {
      for (byte[] json : checkpointed.get()) {
        pipeline = TabularTransform.fromJson(new String(json, StandardCharsets.UTF_8));
      }
    }
    if (pipeline == null) {
      pipeline = TabularTransform.create(spec);
    }
    // after a restore the current version is published again: harmless on a compacted topic
    publication = new TransformPublication(publishEvery);
  }

  @Override
  public void open() throws Exception {
    super.open();
    var metrics = getRuntimeContext().getMetricGroup();
    trainExamples = metrics.counter("trainExamples");
    holdoutExamples = metrics.counter("holdoutExamples");
    deadLettersByStage = new HashMap<>();
    for (String stage : List.of(DeadLetters.STAGE_CLEAN, DeadLetters.STAGE_TRANSFORM)) {
      deadLettersByStage.put(stage, metrics.addGroup("stage", stage).counter("deadLettered"));
    }
    String threadName = "batch fits of " + getOperatorName();
    batchFits =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, threadName);
              thread.setDaemon(true);
              return thread;
            });
    pipeline.fitInBackground(batchFits);
  }

  @Override
  public void processElement(StreamRecord<ValidatedRow> element) {
    emit(pipeline.accept(element.getValue()), false);
  }

  /**
   * Rows waiting for a batch fit go out before the barrier, into this checkpoint's epoch, and so
   * does a transform version due every {@code publishEvery} rows ({@link TransformPublication}).
   */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    emit(pipeline.settle(), true);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    checkpointed.update(List.of(pipeline.toCompactJson()));
  }

  /** The rows still waiting for a batch fit at the end of a bounded input or a drain. */
  @Override
  public void endInput() {
    emit(pipeline.settle(), false);
  }

  @Override
  public void close() throws Exception {
    if (batchFits != null) {
      batchFits.shutdownNow();
    }
    super.close();
  }

  /**
   * @param checkpoint a checkpoint is about to be taken: a version due every {@code publishEvery}
   *     rows goes out too
   */
  private void emit(List<Outcome<PreparedRow>> outcomes, boolean checkpoint) {
    for (Outcome<PreparedRow> outcome : outcomes) {
      if (outcome instanceof Outcome.Accepted<PreparedRow> prepared) {
        PreparedRow row = prepared.value();
        (row.row().split() == Split.TRAIN ? trainExamples : holdoutExamples).inc();
        output.collect(new StreamRecord<>(row.toExample(), row.row().eventTimeMillis()));
      } else {
        Outcome.Rejected<PreparedRow> rejected = (Outcome.Rejected<PreparedRow>) outcome;
        deadLettersByStage.get(rejected.stage()).inc();
        output.collect(
            DEAD_LETTERS, new StreamRecord<>(rejected.deadLetter(Clock.systemUTC().instant())));
      }
    }
    publication
        .due(pipeline, Clock.systemUTC().instant(), checkpoint)
        .ifPresent(version -> output.collect(TRANSFORMS, new StreamRecord<>(version)));
  }
}
