package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.holdout;
import static io.streamtune.preprocess.core.Rows.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.TestSpecs;
import io.streamtune.preprocess.core.steps.Json;
import io.streamtune.schemas.avro.TransformVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransformPublicationTest {

  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  /** Feeds {@code rows} training rows, collecting the versions the publication emits. */
  private static List<Long> publishedWhileFitting(
      TabularTransform transform, TransformPublication publication, int rows) {
    List<Long> published = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      transform.accept(train("r" + i, 100 + i, 30 + i % 7, "rent"));
      // a checkpoint after every row
      publication.due(transform, NOW, true).ifPresent(v -> published.add(v.getVersion()));
    }
    return published;
  }

  @Test
  void publishesTheFirstVersionThenAtEachDoublingThenEveryNRowsFitted() {
    TabularTransform transform = TabularTransform.create(TestSpecs.credit());

    List<Long> published = publishedWhileFitting(transform, new TransformPublication(10), 45);

    assertThat(published).containsExactly(1L, 2L, 4L, 8L, 16L, 26L, 36L);
  }

  @Test
  void betweenCheckpointsOnlyTheFirstTheDoublingsAndAFreezeArePublished() {
    TabularTransform transform =
        TabularTransform.create(TestSpecs.credit("preprocess: {freezeAfter: 40}\n"));
    TransformPublication publication = new TransformPublication(10);
    List<Long> published = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      transform.accept(train("r" + i, 100 + i, 30 + i % 7, "rent"));
      publication.due(transform, NOW).ifPresent(v -> published.add(v.getVersion()));
      if (i == 28) {
        publication.due(transform, NOW, true).ifPresent(v -> published.add(v.getVersion()));
      }
    }

    assertThat(published).containsExactly(1L, 2L, 4L, 8L, 16L, 29L, 40L);
  }

  @Test
  void aFreezePublishesTheFrozenVersionOnceAndNothingAfterIt() {
    TabularTransform transform =
        TabularTransform.create(TestSpecs.credit("preprocess: {freezeAfter: 15}\n"));

    List<Long> published = publishedWhileFitting(transform, new TransformPublication(10), 40);

    assertThat(published).containsExactly(1L, 2L, 4L, 8L, 15L);
  }

  @Test
  void nothingIsPublishedDuringTheWarmupOrForHoldoutRows() {
    TabularTransform transform =
        TabularTransform.create(TestSpecs.credit("preprocess: {warmup: 5}\n"));
    TransformPublication publication = new TransformPublication(100);
    transform.accept(holdout("h", 1, 1, "rent"));
    assertThat(publication.due(transform, NOW)).isEmpty();

    List<Long> published = publishedWhileFitting(transform, publication, 4);
    assertThat(published).as("still warming up").isEmpty();

    published = publishedWhileFitting(transform, publication, 1);
    assertThat(published).containsExactly(5L);
    transform.accept(holdout("h2", 1, 1, "rent"));
    assertThat(publication.due(transform, NOW)).as("holdout rows fit nothing").isEmpty();
  }

  @Test
  void thePublishedJsonIsTheFittedTransformAndAppliesLikeIt() {
    TabularTransform transform = TabularTransform.create(TestSpecs.credit());
    TransformPublication publication = new TransformPublication(1000);
    transform.accept(train("a", 100, 30, "rent"));
    Optional<TransformVersion> first = publication.due(transform, NOW);
    transform.accept(train("b", 300, 50, "owner"));

    TransformVersion published = first.orElseThrow();
    assertThat(published.getPipeline()).isEqualTo(transform.spec().name());
    assertThat(published.getFormat()).isEqualTo(TabularTransform.FORMAT);
    assertThat(published.getPublishedAt()).isEqualTo(NOW);
    TabularTransform read = TabularTransform.fromJson(published.getJson());
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.toJsonTree().get("steps"))
        .as("the published JSON is the state after the first row, not the later one")
        .isNotEqualTo(transform.toJsonTree().get("steps"));
  }

  @Test
  void thePublishedJsonLeavesOutThePcaRowsWaitingForABatchAndAppliesTheSame() throws Exception {
    TabularTransform transform =
        TabularTransform.create(
            TestSpecs.credit(
                """
                preprocess:
                  steps:
                    - impute: {strategy: mean}
                    - impute: {strategy: most_frequent}
                    - scale: {method: standard}
                    - oneHot: {}
                    - pca: {components: 2, batchSize: 4}
                """));
    // 10 rows: two batch fits, two rows pending for the third
    for (int i = 0; i < 10; i++) {
      transform.accept(
          train("r" + i, 100 + 17 * i, 20 + (i * 7) % 30, i % 3 == 0 ? "rent" : "owner"));
    }
    var full = Json.MAPPER.readTree(transform.toCompactJson()).get("steps").get(4);
    assertThat(full.get("pendingRows").asInt()).isEqualTo(2);
    assertThat(full.has("pending")).isTrue();

    TransformVersion published = new TransformPublication(1).due(transform, NOW).orElseThrow();
    var step = Json.MAPPER.readTree(published.getJson()).get("steps").get(4);
    assertThat(step.has("pending")).as("the rows waiting for the next batch fit").isFalse();
    assertThat(step.get("components")).isEqualTo(full.get("components"));
    assertThat(published.getJson().length()).isLessThan(transform.toCompactJson().length);

    TabularTransform served = TabularTransform.fromJson(published.getJson());
    for (int i = 0; i < 5; i++) {
      var row = holdout("h" + i, 90 + 31 * i, 25 + i, i % 2 == 0 ? "rent" : "owner");
      assertThat(features(served.apply(row))).isEqualTo(features(transform.apply(row)));
    }
    assertThatThrownBy(() -> served.accept(train("late", 1, 1, "rent")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("published for serving");
    assertThat(Json.MAPPER.readTree(served.toCompactJson()).get("servingOnly").asBoolean())
        .as("a serving-only transform stays marked when written again")
        .isTrue();
  }

  private static float[] features(io.streamtune.common.outcome.Outcome<PreparedRow> outcome) {
    return ((io.streamtune.common.outcome.Outcome.Accepted<PreparedRow>) outcome)
        .value()
        .features();
  }

  @Test
  void refusesACadenceBelowOne() {
    assertThatThrownBy(() -> new TransformPublication(0))
        .hasMessageContaining("every must be at least 1");
  }
}
