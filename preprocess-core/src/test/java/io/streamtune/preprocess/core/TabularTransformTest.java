package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.MISSING;
import static io.streamtune.preprocess.core.Rows.holdout;
import static io.streamtune.preprocess.core.Rows.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamtune.common.outcome.Outcome;
import io.streamtune.preprocess.TestSpecs;
import io.streamtune.schemas.avro.Split;
import io.streamtune.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TabularTransformTest {

  private static float[] features(List<Outcome<PreparedRow>> outcomes) {
    assertThat(outcomes).hasSize(1);
    return prepared(outcomes.get(0)).features();
  }

  private static PreparedRow prepared(Outcome<PreparedRow> outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted<PreparedRow>) outcome).value();
  }

  @Test
  void defaultStepsFitEachTrainingRowThenTransformIt() {
    TabularTransform pipeline = TabularTransform.create(TestSpecs.credit());

    // Income: one value, std 0 counts as 1; Age: nothing seen yet, imputed 0; Home one-hot
    assertThat(features(pipeline.accept(train("r1", 100, MISSING, "rent"))))
        .containsExactly(0f, 0f, 0f, 1f, 0f);
    // Income 100, 200 -> mean 150, std 50; Age 0 (imputed), 30 -> mean 15, std 15
    assertThat(features(pipeline.accept(train("r2", 200, 30, "owner"))))
        .containsExactly(1f, 1f, 1f, 0f, 0f);
    // Home: owner and rent tie, the smaller value (owner) is the mode, as in scikit-learn
    float[] third = features(pipeline.accept(train("r3", MISSING, 50, null)));
    assertThat(third[0]).isCloseTo(0f, within(1e-6f));
    assertThat(third[1])
        .isCloseTo((float) ((50 - 80 / 3.0) / Math.sqrt(422.2222222)), within(1e-5f));
    assertThat(third).endsWith(1f, 0f, 0f);
    assertThat(pipeline.version()).isEqualTo(3);
  }

  @Test
  void holdoutRowsAreTransformedButNeverFitted() {
    TabularTransform pipeline = TabularTransform.create(TestSpecs.credit());
    pipeline.accept(train("r1", 100, 30, "rent"));
    pipeline.accept(train("r2", 200, 50, "rent"));
    String before = pipeline.toJsonTree().get("steps").toString();

    PreparedRow held = prepared(pipeline.accept(holdout("h1", 250, MISSING, "castle")).get(0));

    assertThat(held.features()).containsExactly(2f, 0f, 0f, 0f, 1f);
    assertThat(held.version()).isEqualTo(2);
    assertThat(pipeline.toJsonTree().get("steps").toString())
        .as("holdout never updates statistics")
        .isEqualTo(before);
  }

  @Test
  void freezeAfterStopsEveryStatistic() {
    TabularTransform pipeline =
        TabularTransform.create(TestSpecs.credit("preprocess: {freezeAfter: 2}\n"));
    pipeline.accept(train("r1", 100, 30, "rent"));
    pipeline.accept(train("r2", 200, 50, "rent"));
    String frozen = pipeline.toJsonTree().get("steps").toString();

    PreparedRow later = prepared(pipeline.accept(train("r3", 1000, 90, "owner")).get(0));

    assertThat(pipeline.frozen()).isTrue();
    assertThat(later.version()).isEqualTo(2);
    assertThat(later.features()[0]).isEqualTo(17f); // (1000 - 150) / 50 with the frozen mean/std
    assertThat(pipeline.toJsonTree().get("steps").toString()).isEqualTo(frozen);
  }

  @Test
  void warmupBuffersThenFitsExactlyLikeTheBatchMode() {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              warmup: 4
              steps:
                - impute: {strategy: median}
                - impute: {strategy: most_frequent}
                - scale: {method: robust}
                - oneHot: {}
            """);
    List<ValidatedRow> rows =
        List.of(
            train("a", 100, 30, "rent"),
            holdout("h", 300, MISSING, "owner"),
            train("b", MISSING, 50, "rent"),
            train("c", 400, 40, null),
            train("d", 250, 35, "owner"),
            train("e", 120, 31, "rent"));
    TabularTransform pipeline = TabularTransform.create(spec);

    List<Outcome<PreparedRow>> streamed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      streamed.addAll(pipeline.accept(rows.get(i)));
    }
    assertThat(streamed).isEmpty();
    assertThat(pipeline.buffered()).isEqualTo(4);
    streamed.addAll(pipeline.accept(rows.get(4)));

    TabularTransform.BatchResult batch =
        TabularTransform.prepareBatch(spec, rows.subList(0, 5), r -> r.split() == Split.TRAIN);
    assertThat(streamed).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(prepared(streamed.get(i)).features())
          .as("row %d", i)
          .containsExactly(prepared(batch.outcomes().get(i)).features());
      assertThat(prepared(streamed.get(i)).version()).isEqualTo(4);
    }
    assertThat(pipeline.accept(rows.get(5))).hasSize(1);
    assertThat(pipeline.version()).isEqualTo(5);
  }

  @Test
  void forwardFillAndInterpolationFollowEachKeysSequence() {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - impute: {strategy: interpolate, columns: [Income], by: Home}
                - impute: {strategy: ffill, columns: [Age], by: Home}
                - impute: {strategy: constant}
                - oneHot: {}
            """);
    List<ValidatedRow> rows =
        List.of(
            train("r1", 10, 1, "rent"),
            train("o1", 500, 7, "owner"),
            train("r2", MISSING, MISSING, "rent"),
            train("r3", MISSING, 3, "rent"),
            train("o2", MISSING, MISSING, "owner"),
            train("r4", 40, MISSING, "rent"));

    List<Outcome<PreparedRow>> outcomes =
        TabularTransform.prepareBatch(spec, rows, r -> true).outcomes();

    // Income per key: rent 10, _, _, 40 -> 20, 30; owner 500, _ -> 500 (last known at the end)
    assertThat(prepared(outcomes.get(2)).features()).startsWith(20f, 1f);
    assertThat(prepared(outcomes.get(3)).features()).startsWith(30f, 3f);
    assertThat(prepared(outcomes.get(4)).features()).startsWith(500f, 7f);
    assertThat(prepared(outcomes.get(5)).features()).startsWith(40f, 3f);

    TabularTransform stream = TabularTransform.create(spec);
    assertThat(stream.accept(rows.get(0))).hasSize(1);
    assertThat(stream.accept(rows.get(1))).hasSize(1);
    assertThat(stream.accept(rows.get(2))).as("waits for the next known Income").isEmpty();
    assertThat(stream.accept(rows.get(3))).isEmpty();
    assertThat(stream.accept(rows.get(4))).isEmpty();
    List<Outcome<PreparedRow>> released = stream.accept(rows.get(5));
    assertThat(released).extracting(o -> prepared(o).row().id()).containsExactly("r2", "r3", "r4");
    assertThat(stream.held()).isEqualTo(1);
  }

  @Test
  void holdoutValuesNeverFillTrainingRows() {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - impute: {strategy: ffill}
                - impute: {strategy: constant, fillValue: "-1"}
                - oneHot: {}
            """);
    TabularTransform pipeline = TabularTransform.create(spec);
    pipeline.accept(train("a", 1, 1, "rent"));
    pipeline.accept(holdout("h", 99, 99, "rent"));

    assertThat(features(pipeline.accept(train("b", MISSING, MISSING, "rent")))).startsWith(1f, 1f);
  }

  @Test
  void exportedTransformAppliesLikeTheOriginal() {
    PipelineSpec spec =
        TestSpecs.credit(
            """
            preprocess:
              steps:
                - impute: {strategy: median}
                - impute: {strategy: most_frequent}
                - winsorize: {}
                - scale: {method: standard}
                - oneHot: {}
                - pca: {components: 2, batchSize: 4}
            """);
    List<ValidatedRow> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(
          train(
              "r" + i,
              i % 9 == 0 ? MISSING : 50 + i * 3 % 17,
              20 + i % 13,
              i % 3 == 0 ? "owner" : "rent"));
    }
    TabularTransform fitted = TabularTransform.prepareBatch(spec, rows, r -> true).pipeline();

    TabularTransform loaded = TabularTransform.fromJson(fitted.toJson());

    ValidatedRow fresh = holdout("new", MISSING, 33, "castle");
    assertThat(prepared(loaded.apply(fresh)).features())
        .containsExactly(prepared(fitted.apply(fresh)).features());
    assertThat(loaded.toJson()).isEqualTo(fitted.toJson());
    assertThat(loaded.featureNames()).containsExactly("pc1", "pc2");
  }

  @Test
  void notAFittedTransformIsRefused() {
    assertThatThrownBy(() -> TabularTransform.fromJson("{\"format\": \"other\"}"))
        .hasMessageContaining("not a fitted transform");
  }

  @Test
  void unsplitRowIsRefused() {
    TabularTransform pipeline = TabularTransform.create(TestSpecs.credit());
    assertThatThrownBy(() -> pipeline.accept(Rows.row("x", null, 1, 1, "rent")))
        .hasMessageContaining("not been split");
  }
}
