package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.core.FitTransform;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.TabularStatistics;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.spec.PipelineSpec;
import io.streamtune.schemas.spec.PipelineSpecs;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class FitTransformFunctionHarnessTest {

  private static final PipelineSpec SPEC = TestSpecs.credit();
  private static final String SPEC_YAML = PipelineSpecs.toYaml(SPEC);

  private static KeyedOneInputStreamOperatorTestHarness<Integer, ValidatedRow, Example> harness()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new FitTransformFunction(SPEC_YAML)),
        new GlobalKey(),
        Types.INT);
  }

  private static ValidatedRow row(String id, Split split, double income, double age, String home) {
    return new ValidatedRow(
        id, 1_000L, "good", 0, new double[] {income, age}, new String[] {home}, split);
  }

  /** 60 rows with every kind of cell: missing values, all categories, unseen values. */
  private static List<ValidatedRow> stream() {
    Splitter splitter = Splitter.of(SPEC.split());
    String[] homes = {"owner", "rent", null, "castle", "rent"};
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      double income = i % 7 == 0 ? Double.NaN : 50 + (i * 37) % 200;
      double age = i % 5 == 0 ? Double.NaN : 20 + (i * 13) % 50;
      rows.add(splitter.assign(row("r" + i, null, income, age, homes[i % homes.length])));
    }
    return rows;
  }

  private static List<Example> run(
      KeyedOneInputStreamOperatorTestHarness<Integer, ValidatedRow, Example> harness,
      List<ValidatedRow> rows)
      throws Exception {
    for (ValidatedRow row : rows) {
      harness.processElement(row, row.eventTimeMillis());
    }
    return harness.extractOutputValues();
  }

  private static TabularStatistics statisticsIn(
      KeyedOneInputStreamOperatorTestHarness<Integer, ValidatedRow, Example> harness)
      throws Exception {
    @SuppressWarnings("unchecked")
    KeyedProcessOperator<Integer, ValidatedRow, Example> operator =
        (KeyedProcessOperator<Integer, ValidatedRow, Example>) harness.getOperator();
    operator.setCurrentKey(GlobalKey.KEY);
    return operator
        .getKeyedStateBackend()
        .getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            FitTransformFunction.statisticsDescriptor())
        .value();
  }

  @Test
  void trainRowsFitAndHoldoutRowsOnlyTransform() throws Exception {
    try (var harness = harness()) {
      harness.open();

      List<Example> out =
          run(
              harness,
              List.of(
                  row("r1", Split.TRAIN, 100, Double.NaN, "rent"),
                  row("h1", Split.HOLDOUT, 400, 70, "owner"),
                  row("r2", Split.TRAIN, 200, 30, "owner"),
                  row("r3", Split.TRAIN, Double.NaN, 50, null),
                  row("h2", Split.HOLDOUT, 250, Double.NaN, "castle")));

      assertThat(out).extracting(Example::getId).containsExactly("r1", "h1", "r2", "r3", "h2");
      assertThat(out).extracting(Example::getTransformVersion).containsExactly(1L, 1L, 2L, 3L, 3L);
      assertThat(out.get(0).getFeatures()).containsExactly(0f, 0f, 0f, 1f, 0f);
      // h1 sees only r1: Income mean 100 (std 0 -> 1), Age nothing yet (mean 0, std 1)
      assertThat(out.get(1).getFeatures()).containsExactly(300f, 70f, 1f, 0f, 0f);
      assertThat(out.get(2).getFeatures()).containsExactly(1f, 0f, 1f, 0f, 0f);
      assertThat(out.get(3).getFeatures()).containsExactly(0f, 1f, 1f, 0f, 0f);
      assertThat(out.get(4).getFeatures()).containsExactly(2f, 0f, 0f, 0f, 1f);

      TabularStatistics statistics = statisticsIn(harness);
      assertThat(statistics.version()).isEqualTo(3);
      assertThat(statistics.mean(0)).isEqualTo(150.0);
      assertThat(statistics.std(0)).isEqualTo(50.0);
      assertThat(statistics.mean(1)).isEqualTo(40.0);
      assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }
  }

  @Test
  void outputMatchesTheCoreAppliedInOrder() throws Exception {
    List<ValidatedRow> rows = stream();
    FitTransform core = new FitTransform(SPEC);
    TabularStatistics statistics = core.emptyStatistics();
    List<Example> expected = new ArrayList<>();
    for (ValidatedRow row : rows) {
      expected.add(core.apply(row, statistics));
    }

    try (var harness = harness()) {
      harness.open();
      assertThat(run(harness, rows)).containsExactlyElementsOf(expected);
    }
    assertThat(rows).extracting(ValidatedRow::split).contains(Split.TRAIN, Split.HOLDOUT);
  }

  @Test
  void restoringASnapshotMidStreamContinuesExactlyLikeAnUninterruptedRun() throws Exception {
    List<ValidatedRow> rows = stream();
    List<ValidatedRow> before = rows.subList(0, 23);
    List<ValidatedRow> after = rows.subList(23, rows.size());
    long trainBefore = before.stream().filter(r -> r.split() == Split.TRAIN).count();

    List<Example> uninterrupted;
    try (var harness = harness()) {
      harness.open();
      uninterrupted = run(harness, rows);
    }

    List<Example> resumed = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var first = harness()) {
      first.open();
      resumed.addAll(run(first, before));
      snapshot = first.snapshot(1L, 1L);
    }
    try (var second = harness()) {
      second.setup();
      second.initializeState(snapshot);
      second.open();
      TabularStatistics restored = statisticsIn(second);
      assertThat(restored.version()).isEqualTo(trainBefore);
      assertThat(restored.count(0)).isPositive();
      resumed.addAll(run(second, after));
    }

    assertThat(resumed).hasSize(rows.size()).containsExactlyElementsOf(uninterrupted);
  }
}
