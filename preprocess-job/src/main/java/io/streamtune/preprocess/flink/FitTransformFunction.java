package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.FitTransform;
import io.streamtune.preprocess.core.TabularPipeline;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpecs;
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
 * TabularPipeline}). The fitted state is global, so the operator runs as a single subtask and keeps
 * the pipeline on the heap; every checkpoint stores it (as the same JSON {@code prepare --fitted}
 * writes) in operator state, and a restore continues exactly where the snapshot was taken. Rows a
 * step rejects go to {@link #DEAD_LETTERS}.
 */
public final class FitTransformFunction extends ProcessFunction<ValidatedRow, Example>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  public static final String STATE_NAME = "fitted-transform";

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("transform-dead-letters", TypeInformation.of(DeadLetter.class));

  private final String specYaml;

  private transient TabularPipeline pipeline;
  private transient ListState<byte[]> checkpointed;
  private transient Counter trainExamples;
  private transient Counter holdoutExamples;
  private transient Map<String, Counter> deadLettersByStage;

  public FitTransformFunction(String specYaml) {
    this.specYaml = specYaml;
  }

  /** The operator state holding the fitted transform as JSON (tests read it back). */
  public static ListStateDescriptor<byte[]> stateDescriptor() {
    return new ListStateDescriptor<>(
        STATE_NAME,
        org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  }

  /** The pipeline as it is now (tests). */
  public TabularPipeline pipeline() {
    return pipeline;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    checkpointed = context.getOperatorStateStore().getListState(stateDescriptor());
    pipeline = null;
    if (context.isRestored()) {
      for (byte[] json : checkpointed.get()) {
        pipeline = TabularPipeline.fromJson(new String(json, StandardCharsets.UTF_8));
      }
    }
    if (pipeline == null) {
      pipeline = TabularPipeline.create(PipelineSpecs.parse(specYaml, "job pipeline spec"));
    }
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
    for (String stage :
        java.util.List.of(
            io.streamtune.preprocess.core.DeadLetters.STAGE_CLEAN,
            io.streamtune.preprocess.core.DeadLetters.STAGE_TRANSFORM)) {
      deadLettersByStage.put(
          stage,
          getRuntimeContext().getMetricGroup().addGroup("stage", stage).counter("deadLettered"));
    }
  }

  @Override
  public void processElement(ValidatedRow row, Context context, Collector<Example> out) {
    for (TabularPipeline.Outcome outcome : pipeline.accept(row)) {
      if (outcome instanceof TabularPipeline.Outcome.Prepared prepared) {
        (prepared.row().split() == Split.TRAIN ? trainExamples : holdoutExamples).inc();
        out.collect(FitTransform.example(prepared));
      } else {
        TabularPipeline.Outcome.Rejected rejected = (TabularPipeline.Outcome.Rejected) outcome;
        deadLettersByStage.get(rejected.stage()).inc();
        context.output(
            DEAD_LETTERS, FitTransform.deadLetter(rejected, Clock.systemUTC().instant()));
      }
    }
  }
}
