package io.streamtune.preprocess.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.common.outcome.RawEnvelope;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.core.Splitter;
import io.streamtune.preprocess.core.TabularTransform;
import io.streamtune.preprocess.core.ValidatedRow;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TabularTransformOperatorHarnessTest {

  /**
   * Every kind of state at once: interpolation holding rows per key, a warm-up buffer, KLL sketches
   * past their first compaction, most-frequent counts, Yeo-Johnson and mutual information decided
   * at the end of the warm-up, and incremental PCA with a pending batch.
   */
  private static final PipelineSpec SPEC =
      TestSpecs.credit(
          """
          preprocess:
            warmup: 300
            steps:
              - impute: {strategy: interpolate, columns: [Income], by: Home, maxHold: 50}
              - impute: {strategy: median}
              - impute: {strategy: most_frequent}
              - winsorize: {lower: 0.02, upper: 0.98}
              - yeoJohnson: {columns: [Age]}
              - scale: {method: robust}
              - oneHot: {}
              - selectKBest: {k: 4}
              - pca: {components: 2, batchSize: 37}
          """);

  private static OneInputStreamOperatorTestHarness<ValidatedRow, Example> harness(
      TabularTransformOperator operator) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(operator);
  }

  /** A harness of {@code operator} opened on {@code snapshot}. */
  private static OneInputStreamOperatorTestHarness<ValidatedRow, Example> restored(
      TabularTransformOperator operator, OperatorSubtaskState snapshot) throws Exception {
    var harness = harness(operator);
    harness.setup();
    harness.initializeState(snapshot);
    harness.open();
    return harness;
  }

  /** 2500 rows: missing values, all categories, unseen ones, a log-normal income. */
  private static List<ValidatedRow> stream() {
    return stream(SPEC);
  }

  private static List<ValidatedRow> stream(PipelineSpec spec) {
    Splitter splitter = Splitter.of(spec.split());
    Random random = new Random(7);
    String[] homes = {"owner", "rent", null, "castle", "rent"};
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      double income = i % 7 == 0 ? Double.NaN : Math.exp(4 + random.nextGaussian());
      double age = i % 5 == 0 ? Double.NaN : 20 + random.nextInt(50);
      String home = homes[random.nextInt(homes.length)];
      int label = income > 60 ? 1 : 0;
      rows.add(
          splitter.assign(
              new ValidatedRow(
                  "r" + i,
                  1_000L + i,
                  label == 1 ? "bad" : "good",
                  label,
                  new double[] {income, age},
                  new String[] {home},
                  null,
                  null,
                  null,
                  null)));
    }
    return rows;
  }

  private static List<Object> run(
      OneInputStreamOperatorTestHarness<ValidatedRow, Example> harness, List<ValidatedRow> rows)
      throws Exception {
    for (ValidatedRow row : rows) {
      harness.processElement(row, row.eventTimeMillis());
    }
    // what the runtime does before each checkpoint barrier: rows that wait for incremental PCA's
    // batch fit on its own thread are emitted
    harness.prepareSnapshotPreBarrier(0L);
    List<Object> out = new ArrayList<>();
    for (Object record : harness.getOutput()) {
      out.add(((StreamRecord<?>) record).getValue());
    }
    harness.getOutput().clear();
    return out;
  }

  @Test
  void restoringASnapshotMidStreamContinuesExactlyLikeAnUninterruptedRun() throws Exception {
    restoresLikeAnUninterruptedRun(SPEC);
  }

  /** The same with most-frequent counts past their bound (a summary) and series keys forgotten. */
  @Test
  void boundedCountsAndSeriesKeysRestoreExactlyToo() throws Exception {
    String state =
        restoresLikeAnUninterruptedRun(
            TestSpecs.credit(
                """
            preprocess:
              warmup: 300
              steps:
                - impute: {strategy: interpolate, columns: [Income], by: Home,
                           maxHold: 50, maxKeys: 2}
                - impute: {strategy: most_frequent, columns: [Age], maxDistinct: 7}
                - impute: {strategy: median}
                - impute: {strategy: most_frequent, maxDistinct: 1}
                - scale: {method: robust}
                - oneHot: {}
            """));
    // the Age counts (50 values, 7 kept) became a summary
    assertThat(state).contains("\"errors\"");
    // four Home keys (owner, rent, castle, missing) seen, two remembered
    assertThat(new ObjectMapper().readTree(state).findValues("keys"))
        .isNotEmpty()
        .allSatisfy(keys -> assertThat(keys.size()).isLessThanOrEqualTo(2));
  }

  private static String restoresLikeAnUninterruptedRun(PipelineSpec spec) throws Exception {
    List<ValidatedRow> rows = stream(spec);
    List<ValidatedRow> before = rows.subList(0, 1_234);
    List<ValidatedRow> after = rows.subList(1_234, rows.size());

    List<Object> uninterrupted;
    String finalState;
    int deadLetters;
    TabularTransformOperator reference = new TabularTransformOperator(spec);
    try (var harness = harness(reference)) {
      harness.open();
      uninterrupted = run(harness, rows);
      finalState = reference.pipeline().toJson();
      var side = harness.getSideOutput(TabularTransformOperator.DEAD_LETTERS);
      deadLetters = side == null ? 0 : side.size();
    }

    List<Object> resumed = new ArrayList<>();
    OperatorSubtaskState snapshot;
    TabularTransformOperator first = new TabularTransformOperator(spec);
    try (var harness = harness(first)) {
      harness.open();
      resumed.addAll(run(harness, before));
      assertThat(first.pipeline().version()).isGreaterThan(300);
      snapshot = harness.snapshot(1L, 1L);
    }
    TabularTransformOperator second = new TabularTransformOperator(spec);
    try (var harness = restored(second, snapshot)) {
      assertThat(second.pipeline().version()).isEqualTo(first.pipeline().version());
      resumed.addAll(run(harness, after));
      assertThat(second.pipeline().toJson()).isEqualTo(finalState);
    }

    assertThat(resumed).hasSize(uninterrupted.size()).containsExactlyElementsOf(uninterrupted);
    // nothing is lost: every row is an example, a dead letter, or still held by interpolation
    assertThat(uninterrupted.size() + deadLetters + reference.pipeline().held())
        .isEqualTo(rows.size());
    assertThat(reference.pipeline().held()).isBetween(0, 50);
    assertThat(uninterrupted)
        .filteredOn(Example.class::isInstance)
        .extracting(e -> ((Example) e).getSplit())
        .contains(Split.TRAIN, Split.HOLDOUT);
    return finalState;
  }

  @Test
  void restoringDuringTheWarmupEmitsTheBufferedRowsLater() throws Exception {
    List<ValidatedRow> rows = stream().subList(0, 600);
    OperatorSubtaskState snapshot;
    TabularTransformOperator first = new TabularTransformOperator(SPEC);
    try (var harness = harness(first)) {
      harness.open();
      assertThat(run(harness, rows.subList(0, 100))).isEmpty();
      assertThat(first.pipeline().buffered()).isGreaterThan(90);
      snapshot = harness.snapshot(1L, 1L);
    }
    TabularTransformOperator second = new TabularTransformOperator(SPEC);
    try (var harness = restored(second, snapshot)) {
      List<Object> out = run(harness, rows.subList(100, rows.size()));
      var side = harness.getSideOutput(TabularTransformOperator.DEAD_LETTERS);
      assertThat(out.size() + (side == null ? 0 : side.size()) + second.pipeline().held())
          .isEqualTo(600);
      assertThat(out.size()).isGreaterThan(590);
      assertThat(out)
          .filteredOn(Example.class::isInstance)
          .extracting(e -> ((Example) e).getId())
          .contains("r0", "r1", "r2", "r99");
      // nothing was emitted before the warm-up fitted on 300 training rows
      assertThat(out)
          .filteredOn(Example.class::isInstance)
          .allMatch(e -> ((Example) e).getTransformVersion() >= 300);
    }
  }

  @Test
  void rejectedRowsLeaveThroughTheSideOutputWithTheirOriginalBytes() throws Exception {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - dropMissing: {columns: [Income]}
                - impute: {strategy: mean}
                - log1p: {columns: [Age]}
                - impute: {strategy: most_frequent}
                - oneHot: {}
            """);
    RawEnvelope source =
        new RawEnvelope("streamtune.raw", 2, 17L, new byte[] {1}, new byte[] {4, 2});
    try (var harness = harness(new TabularTransformOperator(spec))) {
      harness.open();
      harness.processElement(row("a", Double.NaN, 30, source), 0);
      harness.processElement(row("b", 10, -3, source), 0);
      harness.processElement(row("c", 10, 3, source), 0);

      List<DeadLetter> deadLetters = new ArrayList<>();
      harness
          .getSideOutput(TabularTransformOperator.DEAD_LETTERS)
          .forEach(record -> deadLetters.add(record.getValue()));
      assertThat(deadLetters)
          .extracting(DeadLetter::getStage)
          .containsExactly("clean", "transform");
      assertThat(deadLetters.get(0).getReason())
          .isEqualTo("missing value in column 'Income' (dropMissing)");
      assertThat(deadLetters.get(1).getReason())
          .isEqualTo("column 'Age': log1p of -3.0 is not finite (values must be > -1)");
      assertThat(deadLetters.get(1).getOffset()).isEqualTo(17L);
      assertThat(deadLetters.get(1).getOriginalValue().array()).containsExactly(4, 2);
      assertThat(harness.extractOutputValues()).extracting(Example::getId).containsExactly("c");
    }
  }

  @Test
  void aVersionEveryNRowsIsPublishedAtTheNextCheckpointOnly() throws Exception {
    PipelineSpec spec = TestSpecs.credit("");
    try (var harness = harness(new TabularTransformOperator(spec, 100))) {
      harness.open();
      for (ValidatedRow row : stream(spec).subList(0, 1200)) {
        harness.processElement(row, row.eventTimeMillis());
      }
      List<Long> published = publishedVersions(harness);
      assertThat(published).as("between checkpoints: the first and the doublings").isNotEmpty();
      for (long version : published) {
        assertThat(Long.bitCount(version)).as("version %d is a power of two", version).isEqualTo(1);
      }

      harness.prepareSnapshotPreBarrier(1L);
      List<Long> afterCheckpoint = publishedVersions(harness);
      long last = published.get(published.size() - 1);
      assertThat(afterCheckpoint).hasSize(published.size() + 1);
      long atCheckpoint = afterCheckpoint.get(afterCheckpoint.size() - 1);
      assertThat(atCheckpoint).isGreaterThanOrEqualTo(last + 100).isLessThan(1200);

      harness.prepareSnapshotPreBarrier(2L);
      assertThat(publishedVersions(harness))
          .as("no rows fitted since: nothing new at the next checkpoint")
          .hasSize(afterCheckpoint.size());
    }
  }

  private static List<Long> publishedVersions(
      OneInputStreamOperatorTestHarness<ValidatedRow, Example> harness) {
    var side = harness.getSideOutput(TabularTransformOperator.TRANSFORMS);
    List<Long> versions = new ArrayList<>();
    if (side != null) {
      side.forEach(record -> versions.add(record.getValue().getVersion()));
    }
    return versions;
  }

  @Test
  void theStateIsTheFittedTransformJson() throws Exception {
    TabularTransformOperator function = new TabularTransformOperator(SPEC);
    try (var harness = harness(function)) {
      harness.open();
      run(harness, stream().subList(0, 400));
      OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
      assertThat(snapshot.getManagedOperatorState()).isNotEmpty();
      TabularTransform copy = TabularTransform.fromJson(function.pipeline().toJson());
      assertThat(copy.toJson()).isEqualTo(function.pipeline().toJson());
    }
  }

  private static ValidatedRow row(String id, double income, double age, RawEnvelope source) {
    return new ValidatedRow(
        id,
        0L,
        "good",
        0,
        new double[] {income, age},
        new String[] {"rent"},
        Split.TRAIN,
        source,
        null,
        null);
  }
}
