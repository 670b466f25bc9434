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
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Fits the preprocessing steps on training rows and transforms every row (logic in {@link
 * TabularTransform}). The fitted state is global, so the operator runs as a single subtask and
 * keeps the pipeline on the heap; every checkpoint stores it (as the same JSON {@code prepare
 * --fitted} writes) in operator state, and a restore continues exactly where the snapshot was
 * taken. Rows a step rejects go to {@link #DEAD_LETTERS}.
 */
public final class TabularTransformFunction extends ProcessFunction<ValidatedRow, Example>
    implements CheckpointedFunction {

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
  private transient Counter trainExamples;
  private transient Counter holdoutExamples;
  private transient Map<String, Counter> deadLettersByStage;

  public TabularTransformFunction(PipelineSpec spec) {
    this(spec, PreprocessConfigDefaults.TRANSFORM_PUBLISH_EVERY);
  }

  /**
   * @param publishEvery training rows fitted between two published versions of the transform
   */
  public TabularTransformFunction(PipelineSpec spec, long publishEvery) {
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
  public void initializeState(FunctionInitializationContext context) throws Exception {
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
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    checkpointed.update(java.util.List.of(pipeline.toCompactJson()));
  }

  @Override
  public void open(OpenContext openContext) {
    trainExamples = getRuntimeContext().getMetricGroup().counter("trainExamples");
    holdoutExamples = getRuntimeContext().getMetricGroup().counter("holdoutExamples");
    deadLettersByStage = new HashMap<>();
    for (String stage : java.util.List.of(DeadLetters.STAGE_CLEAN, DeadLetters.STAGE_TRANSFORM)) {
      deadLettersByStage.put(
          stage,
          getRuntimeContext().getMetricGroup().addGroup("stage", stage).counter("deadLettered"));
    }
  }

  @Override
  public void processElement(ValidatedRow row, Context context, Collector<Example> out) {
    for (Outcome<PreparedRow> outcome : pipeline.accept(row)) {
      if (outcome instanceof Outcome.Accepted<PreparedRow> prepared) {
        (prepared.value().row().split() == Split.TRAIN ? trainExamples : holdoutExamples).inc();
        out.collect(prepared.value().toExample());
      } else {
        Outcome.Rejected<PreparedRow> rejected = (Outcome.Rejected<PreparedRow>) outcome;
        deadLettersByStage.get(rejected.stage()).inc();
        context.output(DEAD_LETTERS, rejected.deadLetter(Clock.systemUTC().instant()));
      }
    }
    publication
        .due(pipeline, Clock.systemUTC().instant())
        .ifPresent(version -> context.output(TRANSFORMS, version));
  }
}
