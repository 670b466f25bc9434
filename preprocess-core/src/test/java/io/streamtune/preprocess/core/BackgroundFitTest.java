package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.MISSING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental PCA's batch fits on another thread ({@link TabularTransform#fitInBackground}) give
 * the inline fit's outputs exactly: same outcomes in the same order, same features bit for bit,
 * same versions, same state at the end.
 */
class BackgroundFitTest {

  /**
   * Rejections before PCA (an unseen category without the unseen slot), a fitted step after it, and
   * small batches so that many rows wait.
   */
  private static PipelineSpec spec(String extra) {
    return TestSpecs.credit(
        """
        preprocess:
        """
            + extra
            + """
              steps:
                - impute: {strategy: mean}
                - impute: {strategy: most_frequent}
                - winsorize: {lower: 0.02, upper: 0.98}
                - scale: {method: standard}
                - oneHot: {unseenBucket: false}
                - pca: {components: 2, batchSize: 13}
                - scale: {method: minmax}
            """);
  }

  private final ExecutorService fits = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    fits.shutdownNow();
  }

  /** Fits that take a while, so that rows really wait (and some fits end before the next row). */
  private Executor slowly(AtomicInteger started) {
    return task ->
        fits.execute(
            () -> {
              if (started.incrementAndGet() % 3 != 0) {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              task.run();
            });
  }

  private static List<ValidatedRow> rows(int n) {
    Random random = new Random(11);
    String[] homes = {"owner", "rent", null, "castle", "rent", "owner"};
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double income = i % 9 == 0 ? MISSING : Math.exp(4 + random.nextGaussian());
      double age = i % 5 == 0 ? MISSING : 20 + random.nextInt(50);
      Split split = random.nextInt(5) == 0 ? Split.HOLDOUT : Split.TRAIN;
      rows.add(Rows.row("r" + i, split, income, age, homes[random.nextInt(homes.length)]));
    }
    return rows;
  }

  private static String describe(Outcome<PreparedRow> outcome) {
    if (outcome instanceof Outcome.Accepted<PreparedRow> accepted) {
      PreparedRow prepared = accepted.value();
      StringBuilder bits = new StringBuilder(prepared.row().id() + " v" + prepared.version());
      for (float feature : prepared.features()) {
        bits.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(feature)));
      }
      return bits.toString();
    }
    Outcome.Rejected<PreparedRow> rejected = (Outcome.Rejected<PreparedRow>) outcome;
    return rejected.recordId() + " rejected: " + rejected.reason();
  }

  private static List<String> run(TabularTransform transform, List<ValidatedRow> rows) {
    List<String> outcomes = new ArrayList<>();
    for (ValidatedRow row : rows) {
      transform.accept(row).forEach(o -> outcomes.add(describe(o)));
    }
    transform.settle().forEach(o -> outcomes.add(describe(o)));
    return outcomes;
  }

  @ParameterizedTest(name = "[{index}] preprocess: {0}")
  @ValueSource(strings = {"", "  freezeAfter: 700\n", "  warmup: 50\n"})
  void theOutputsAreTheInlineFitsBitForBit(String extra) {
    List<ValidatedRow> rows = rows(1500);
    TabularTransform inline = TabularTransform.create(spec(extra));
    AtomicInteger started = new AtomicInteger();
    TabularTransform background =
        TabularTransform.create(spec(extra)).fitInBackground(slowly(started));

    List<String> expected = run(inline, rows);
    List<String> actual = run(background, rows);

    assertThat(started.get()).as("batch fits that ran in the background").isGreaterThan(20);
    assertThat(expected).hasSize(rows.size());
    assertThat(expected).anyMatch(o -> o.contains("rejected"));
    assertThat(actual).containsExactlyElementsOf(expected);
    assertThat(background.version()).isEqualTo(inline.version());
    assertThat(background.frozen()).isEqualTo(inline.frozen());
    assertThat(background.toJsonTree()).isEqualTo(inline.toJsonTree());
  }

  @Test
  void theReferenceProfileIsFedInArrivalOrderEvenOnSeveralThreads() throws Exception {
    List<ValidatedRow> rows = rows(3000);
    TabularTransform inline = TabularTransform.create(spec(""));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      TabularTransform background = TabularTransform.create(spec("")).fitInBackground(pool);
      run(inline, rows);
      for (ValidatedRow row : rows.subList(0, 1000)) {
        background.accept(row);
      }
      background.settle();
      // a read in the middle waits for the rows given so far, and feeding goes on after it
      assertThat(background.reference().orElseThrow().rows())
          .isEqualTo(rows.subList(0, 1000).stream().filter(r -> r.split() == Split.TRAIN).count());
      run(background, rows.subList(1000, rows.size()));

      assertThat(background.reference().orElseThrow().features())
          .isEqualTo(inline.reference().orElseThrow().features());
      assertThat(background.toJsonTree().get("reference"))
          .isEqualTo(inline.toJsonTree().get("reference"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rowsWaitForTheRunningBatchFitAndTheStateCannotBeSavedUntilSettled() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    TabularTransform transform =
        TabularTransform.create(spec("")).fitInBackground(GatedExecutor.behind(release, fits));
    int emitted = 0;
    List<ValidatedRow> rows = rows(40).stream().filter(r -> r.split() == Split.TRAIN).toList();
    for (ValidatedRow row : rows.subList(0, 20)) {
      emitted += transform.accept(row).size();
    }
    // the 13th training row that reaches PCA starts the first batch fit; it and the rows after it
    // wait for it
    assertThat(transform.buffered()).isPositive();
    assertThat(emitted + transform.buffered()).isEqualTo(20);
    assertThatThrownBy(transform::toJsonTree)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("settle()");
    assertThat(new TransformPublication(1).due(transform, java.time.Instant.EPOCH))
        .as("nothing is published while rows wait")
        .isEmpty();

    release.countDown();
    List<Outcome<PreparedRow>> released = transform.settle();

    assertThat(emitted + released.size()).isEqualTo(20);
    assertThat(transform.buffered()).isZero();
    assertThat(transform.toJsonTree().get("version").asLong()).isEqualTo(transform.version());
  }
}
