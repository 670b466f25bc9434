package io.streamtune.preprocess.flink;

import io.streamtune.preprocess.sampling.ResamplerState;
import io.streamtune.preprocess.sampling.StreamingResampler;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.SamplingSpec;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Rebalances the training examples (logic in {@link StreamingResampler}); the counts, reservoirs,
 * cleaning window and random state live in keyed state under one key. When examples can wait in the
 * cleaning window, a processing-time timer decides them once the stream has been quiet for {@code
 * sampling.idleFlushMillis}. Holdout examples never reach it (the job branches before it); should
 * one arrive anyway, it passes through untouched.
 */
public final class ResampleFunction extends KeyedProcessFunction<Integer, Example, Example> {

  private static final long serialVersionUID = 1L;

  public static final String STATE_NAME = "resampler";
  public static final String LAST_ARRIVAL_STATE_NAME = "resampler-last-arrival";

  private final SamplingSpec sampling;
  private final List<String> classes;

  private transient StreamingResampler resampler;
  private transient long idleFlushMillis;
  private transient ValueState<ResamplerState> state;
  private transient ValueState<Long> lastArrival;
  private transient Counter syntheticExamples;
  private transient Counter removedExamples;

  /**
   * @param classes the label's classes, in the order of the examples' label indexes
   */
  public ResampleFunction(SamplingSpec sampling, List<String> classes) {
    this.sampling = Objects.requireNonNull(sampling, "sampling");
    this.classes = List.copyOf(classes);
  }

  /** The state holding the resampler's memory (tests read it back). */
  public static ValueStateDescriptor<ResamplerState> stateDescriptor() {
    return new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(ResamplerState.class));
  }

  @Override
  public void open(OpenContext openContext) {
    resampler = new StreamingResampler(sampling, classes);
    idleFlushMillis = sampling.idleFlushMillis();
    state = getRuntimeContext().getState(stateDescriptor());
    lastArrival =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>(LAST_ARRIVAL_STATE_NAME, Types.LONG));
    syntheticExamples = getRuntimeContext().getMetricGroup().counter("syntheticExamples");
    removedExamples = getRuntimeContext().getMetricGroup().counter("removedExamples");
  }

  @Override
  public void processElement(Example example, Context context, Collector<Example> out)
      throws Exception {
    if (example.getSplit() != Split.TRAIN) {
      out.collect(example);
      return;
    }
    ResamplerState current = state.value();
    if (current == null) {
      current = resampler.emptyState();
    }
    long removedBefore = removed(current);
    resampler.accept(example, current, emitted -> emit(emitted, out));
    removedExamples.inc(removed(current) - removedBefore);
    state.update(current);
    if (resampler.holdsExamples() && current.getPending() > 0) {
      long now = context.timerService().currentProcessingTime();
      if (lastArrival.value() == null) {
        context.timerService().registerProcessingTimeTimer(now + idleFlushMillis);
      }
      lastArrival.update(now);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<Example> out)
      throws Exception {
    Long last = lastArrival.value();
    if (last == null) {
      return;
    }
    if (timestamp < last + idleFlushMillis) {
      // examples arrived since the timer was set: wait for quiet again
      context.timerService().registerProcessingTimeTimer(last + idleFlushMillis);
      return;
    }
    ResamplerState current = state.value();
    if (current != null) {
      long removedBefore = removed(current);
      resampler.flush(current, emitted -> emit(emitted, out));
      removedExamples.inc(removed(current) - removedBefore);
      state.update(current);
    }
    lastArrival.clear();
  }

  private void emit(Example example, Collector<Example> out) {
    if (example.getSynthetic()) {
      syntheticExamples.inc();
    }
    out.collect(example);
  }

  private static long removed(ResamplerState state) {
    long sum = 0;
    for (long count : state.getRemoved()) {
      sum += count;
    }
    return sum;
  }
}
