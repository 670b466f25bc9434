package io.streamtune.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessTest {

  private static final String TRAIN = "streamtune.examples.train";

  private static ModelVersion version(int version, long from, long until) {
    ModelVersion v = new ModelVersion();
    v.setVersion(version);
    v.setCreatedAt(java.time.Instant.ofEpochMilli(2_400L + 3_000L * (version - 1)));
    v.setConsumedOffsets(List.of(new OffsetRange(TRAIN, 0, from, until)));
    return v;
  }

  @Test
  void eachRecordCountsFromItsRequestToTheFirstPredictionOfAVersionThatTrainedOnIt() {
    List<Freshness.TrainedExample> trained =
        List.of(
            new Freshness.TrainedExample("a", TRAIN, 0, 0),
            new Freshness.TrainedExample("b", TRAIN, 0, 1),
            new Freshness.TrainedExample("c", TRAIN, 0, 2),
            // an augmented copy of a, read later: a still counts from v1
            new Freshness.TrainedExample("a", TRAIN, 0, 3),
            new Freshness.TrainedExample("d", TRAIN, 0, 4));
    List<ModelVersion> versions = List.of(version(2, 2, 4), version(1, 0, 2), version(3, 4, 5));
    List<Freshness.Served> served =
        List.of(
            new Freshness.Served(1, 2_510),
            new Freshness.Served(1, 3_010),
            // v2 was never served: c's first server is v3, at 9,000
            new Freshness.Served(3, 9_000));
    java.util.Map<String, Long> requested =
        java.util.Map.of("a", 1_000L, "b", 2_000L, "c", 3_000L, "d", 2_500L);

    assertThat(Freshness.firstVersionTrainedOn(trained, versions))
        .containsEntry("a", 1)
        .containsEntry("b", 1)
        .containsEntry("c", 2)
        .containsEntry("d", 3);
    Freshness.Result result = Freshness.compute(trained, versions, served, requested);

    // a: v1 first served at 2,510, requested 1,000; b: 2,000 -> 510; c: v3 at 9,000 - 3,000;
    // d: 9,000 - 2,500
    assertThat(result.millis()).containsExactly(510, 1_510, 6_000, 6_500);
    assertThat(result.trainedNeverServed()).isZero();
    // v1 made at 2,400, v2 at 5,400, v3 at 8,400: a 1,400, b 400, c 2,400, d 5,900
    assertThat(result.toVersionMillis()).containsExactly(400, 1_400, 2_400, 5_900);
    assertThat(result.percentile(50)).isEqualTo(1_510);
    assertThat(result.percentile(95)).isEqualTo(6_500);
    assertThat(result.describe())
        .contains(
            "p50 1.5 s",
            "p95 6.5 s",
            "over 4 records",
            "to the first version trained on it: p50 1.4 s, p95 5.9 s");
  }
}
