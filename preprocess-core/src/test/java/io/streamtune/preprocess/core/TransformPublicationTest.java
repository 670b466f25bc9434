package io.streamtune.preprocess.core;

import static io.streamtune.preprocess.core.Rows.holdout;
import static io.streamtune.preprocess.core.Rows.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.preprocess.TestSpecs;
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
      publication.due(transform, NOW).ifPresent(v -> published.add(v.getVersion()));
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
  void refusesACadenceBelowOne() {
    assertThatThrownBy(() -> new TransformPublication(0))
        .hasMessageContaining("every must be at least 1");
  }
}
