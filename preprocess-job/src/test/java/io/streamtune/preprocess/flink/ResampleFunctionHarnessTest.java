package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.sampling.ResamplerState;
import io.streamtune.preprocess.sampling.StreamingResampler;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.SamplingSpec;
import io.streamtune.spec.SamplingSpec.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ResampleFunctionHarnessTest {

  private static PipelineSpec spec(SamplingSpec sampling) {
    return TestSpecs.credit().withSampling(sampling);
  }

  private static KeyedOneInputStreamOperatorTestHarness<Integer, Example, Example> harness(
      PipelineSpec spec) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new ResampleFunction(spec.sampling(), spec.label().classes())),
        new TrainBranch.OneKey(),
        Types.INT);
  }

  /** 400 training examples, one in ten 'bad', in two overlapping clouds. */
  static List<Example> stream(int count, long seed) {
    Random random = new Random(seed);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean bad = random.nextDouble() < 0.1;
      List<Float> features = new ArrayList<>();
      for (int d = 0; d < 5; d++) {
        features.add((float) ((bad ? 1.0 : 0.0) + random.nextGaussian()));
      }
      examples.add(
          Example.newBuilder()
              .setId("e" + i)
              .setSourceId("e" + i)
              .setEventTime(Instant.ofEpochMilli(1_000 + i))
              .setSplit(Split.TRAIN)
              .setLabel(bad ? "bad" : "good")
              .setLabelIndex(bad ? 1 : 0)
              .setFeatures(features)
              .setTransformVersion(i + 1)
              .setAugmentedFrom(null)
              .setSynthetic(false)
              .setParentIds(List.of())
              .build());
    }
    return examples;
  }

  private static List<Example> run(
      KeyedOneInputStreamOperatorTestHarness<Integer, Example, Example> harness,
      List<Example> examples)
      throws Exception {
    for (Example example : examples) {
      harness.processElement(example, 0L);
    }
    return harness.extractOutputValues();
  }

  private static ResamplerState stateIn(
      KeyedOneInputStreamOperatorTestHarness<Integer, Example, Example> harness) throws Exception {
    @SuppressWarnings("unchecked")
    KeyedProcessOperator<Integer, Example, Example> operator =
        (KeyedProcessOperator<Integer, Example, Example>) harness.getOperator();
    operator.setCurrentKey(TrainBranch.OneKey.KEY);
    return operator
        .getKeyedStateBackend()
        .getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            ResampleFunction.stateDescriptor())
        .value();
  }

  @Test
  void outputMatchesTheCoreAndTheIdleTimerFlushesTheWindow() throws Exception {
    SamplingSpec sampling = SamplingSpec.of(Method.SMOTE_TOMEK).withStreaming(100, 40, 500);
    PipelineSpec spec = spec(sampling);
    List<Example> in = stream(400, 1);
    StreamingResampler core = new StreamingResampler(sampling, spec.label().classes());
    ResamplerState coreState = core.emptyState();
    List<Example> expected = new ArrayList<>();
    in.forEach(e -> core.accept(e, coreState, expected::add));
    int beforeFlush = expected.size();
    core.flush(coreState, expected::add);
    assertThat(expected.size()).isGreaterThan(beforeFlush);

    try (var harness = harness(spec)) {
      harness.open();
      harness.setProcessingTime(0);
      List<Example> out = new ArrayList<>(run(harness, in));
      assertThat(out).containsExactlyElementsOf(expected.subList(0, beforeFlush));
      assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

      harness.setProcessingTime(499); // not quiet long enough yet
      assertThat(harness.extractOutputValues()).hasSize(beforeFlush);
      harness.setProcessingTime(500);
      assertThat(harness.extractOutputValues()).containsExactlyElementsOf(expected);
      assertThat(harness.numProcessingTimeTimers()).isZero();
      assertThat(stateIn(harness).getPending()).isZero();
      // the window stays as bounded context for what comes next; one key holds everything
      assertThat(stateIn(harness).getWindow()).hasSize(40);
      assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }
  }

  @Test
  void anArrivalBeforeQuietPostponesTheFlush() throws Exception {
    PipelineSpec spec = spec(SamplingSpec.of(Method.TOMEK).withStreaming(10, 20, 1_000));
    List<Example> in = stream(30, 2);
    try (var harness = harness(spec)) {
      harness.open();
      harness.setProcessingTime(0);
      run(harness, in.subList(0, 29));
      harness.setProcessingTime(900);
      harness.processElement(in.get(29), 0L);
      harness.setProcessingTime(1_000); // first timer fires: last arrival 100 ms ago
      assertThat(stateIn(harness).getPending()).isEqualTo(10);
      harness.setProcessingTime(1_900);
      assertThat(stateIn(harness).getPending()).isZero();
      ResamplerState state = stateIn(harness);
      assertThat(harness.extractOutputValues().size() + state.getRemoved()[0]).isEqualTo(30);
    }
  }

  @Test
  void restoringASnapshotMidStreamContinuesExactlyLikeAnUninterruptedRun() throws Exception {
    for (Method method :
        new Method[] {Method.SMOTE, Method.RANDOM_OVER, Method.RANDOM_UNDER, Method.SMOTE_ENN}) {
      PipelineSpec spec = spec(SamplingSpec.of(method).withStreaming(30, 50, 10_000));
      List<Example> in = stream(400, 3);
      List<Example> before = in.subList(0, 173);
      List<Example> after = in.subList(173, in.size());

      List<Example> uninterrupted;
      try (var harness = harness(spec)) {
        harness.open();
        uninterrupted = run(harness, in);
      }

      List<Example> resumed = new ArrayList<>();
      OperatorSubtaskState snapshot;
      ResamplerState atSnapshot;
      try (var first = harness(spec)) {
        first.open();
        resumed.addAll(run(first, before));
        atSnapshot = stateIn(first);
        snapshot = first.snapshot(1L, 1L);
      }
      try (var second = harness(spec)) {
        second.setup();
        second.initializeState(snapshot);
        second.open();
        assertThat(stateIn(second)).as(method.toString()).isEqualTo(atSnapshot);
        resumed.addAll(run(second, after));
      }

      assertThat(resumed).as(method.toString()).containsExactlyElementsOf(uninterrupted);
      assertThat(uninterrupted.size()).as(method.toString()).isNotEqualTo(in.size());
    }
  }

  @Test
  void aHoldoutExampleThatStillArrivesPassesUntouched() throws Exception {
    PipelineSpec spec = spec(SamplingSpec.of(Method.SMOTE));
    Example holdout = stream(1, 4).get(0);
    holdout.setSplit(Split.HOLDOUT);
    try (var harness = harness(spec)) {
      harness.open();
      assertThat(run(harness, List.of(holdout))).containsExactly(holdout);
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }
}
