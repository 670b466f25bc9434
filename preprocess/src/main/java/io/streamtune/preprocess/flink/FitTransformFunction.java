package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.core.FitTransform;
import io.streamtune.preprocess.core.TabularStatistics;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.spec.PipelineSpecs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Fits the running statistics on training rows and transforms every row into an {@link Example}
 * (logic in {@link FitTransform}); the statistics live in keyed state, so they survive restarts and
 * are part of every checkpoint.
 */
public final class FitTransformFunction
    extends KeyedProcessFunction<Integer, ValidatedRow, Example> {

  private static final long serialVersionUID = 1L;

  public static final String STATE_NAME = "tabular-statistics";

  private final String specYaml;

  private transient FitTransform fitTransform;
  private transient ValueState<TabularStatistics> statistics;
  private transient Counter trainExamples;
  private transient Counter holdoutExamples;

  public FitTransformFunction(String specYaml) {
    this.specYaml = specYaml;
  }

  /** The state holding the statistics (tests read it back). */
  public static ValueStateDescriptor<TabularStatistics> statisticsDescriptor() {
    return new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(TabularStatistics.class));
  }

  @Override
  public void open(OpenContext openContext) {
    fitTransform = new FitTransform(PipelineSpecs.parse(specYaml, "job pipeline spec"));
    statistics = getRuntimeContext().getState(statisticsDescriptor());
    trainExamples = getRuntimeContext().getMetricGroup().counter("trainExamples");
    holdoutExamples = getRuntimeContext().getMetricGroup().counter("holdoutExamples");
  }

  @Override
  public void processElement(ValidatedRow row, Context context, Collector<Example> out)
      throws Exception {
    TabularStatistics current = statistics.value();
    if (current == null) {
      current = fitTransform.emptyStatistics();
    }
    Example example = fitTransform.apply(row, current);
    if (row.split() == Split.TRAIN) {
      statistics.update(current);
      trainExamples.inc();
    } else {
      holdoutExamples.inc();
    }
    out.collect(example);
  }
}
