package io.streamtune.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtune.evaluator.HoldoutSet.Outcome;
import io.streamtune.evaluator.HoldoutSet.PartitionOffsets;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.Split;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldoutSetTest {

  private static final String TOPIC = "streamtune.examples.holdout";

  @Test
  void replayedExamplesAreCountedOnce() {
    HoldoutSet holdout = new HoldoutSet(100);
    assertThat(holdout.add(example("e1", "yes", 1, 1f, 2f), TOPIC, 0, 0)).isEqualTo(Outcome.ADDED);
    assertThat(holdout.add(example("e2", "no", 0, 3f, 4f), TOPIC, 0, 1)).isEqualTo(Outcome.ADDED);
    // the same records replayed (e.g. a producer retry outside a transaction) further on
    assertThat(holdout.add(example("e1", "yes", 1, 1f, 2f), TOPIC, 0, 2))
        .isEqualTo(Outcome.DUPLICATE);
    assertThat(holdout.add(example("e2", "no", 0, 3f, 4f), TOPIC, 0, 3))
        .isEqualTo(Outcome.DUPLICATE);

    assertThat(holdout.size()).isEqualTo(2);
    assertThat(holdout.duplicateCount()).isEqualTo(2);
    HoldoutSet.Snapshot snapshot = holdout.snapshot();
    assertThat(snapshot.ids()).containsExactly("e1", "e2");
    assertThat(snapshot.labels()).containsExactly("yes", "no");
    assertThat(snapshot.labelIndexes()).containsExactly(1, 0);
    assertThat(snapshot.features()).isDeepEqualTo(new float[][] {{1f, 2f}, {3f, 4f}});
    assertThat(holdout.offsets()).containsExactly(new PartitionOffsets(TOPIC, 0, 0, 4));
  }

  @Test
  void aDuplicateFromANewerTransformReplacesTheFeaturesInPlace() {
    HoldoutSet holdout = new HoldoutSet(10);
    holdout.add("e1", "yes", 1, new float[] {1f}, 1, TOPIC, 0, 0);
    holdout.add("e2", "no", 0, new float[] {2f}, 1, TOPIC, 0, 1);
    long before = holdout.revision();

    assertThat(holdout.add("e1", "yes", 1, new float[] {9f}, 2, TOPIC, 0, 2))
        .isEqualTo(Outcome.REPLACED);
    assertThat(holdout.add("e1", "yes", 1, new float[] {7f}, 1, TOPIC, 0, 3))
        .isEqualTo(Outcome.DUPLICATE);

    assertThat(holdout.revision()).isGreaterThan(before);
    assertThat(holdout.snapshot().ids()).containsExactly("e1", "e2");
    assertThat(holdout.snapshot().features()).isDeepEqualTo(new float[][] {{9f}, {2f}});
  }

  @Test
  void keepsTheMostRecentExamplesAndTheirOffsetsWhenFull() {
    HoldoutSet holdout = new HoldoutSet(3);
    // two partitions interleaved: p0 gets e0,e2,e4 at offsets 0,1,2; p1 gets e1,e3 at 0,1
    for (int i = 0; i < 5; i++) {
      holdout.add("e" + i, "no", 0, new float[] {i}, 0, TOPIC, i % 2, i / 2);
    }

    assertThat(holdout.size()).isEqualTo(3);
    assertThat(holdout.evictedCount()).isEqualTo(2);
    assertThat(holdout.addedCount()).isEqualTo(5);
    assertThat(holdout.snapshot().ids()).containsExactly("e2", "e3", "e4");
    assertThat(holdout.offsets())
        .containsExactly(
            new PartitionOffsets(TOPIC, 0, 1, 3), new PartitionOffsets(TOPIC, 1, 1, 2));
  }

  @Test
  void aConceptDriftForgetsAllButTheNewestExamples() {
    HoldoutSet holdout = new HoldoutSet(100);
    for (int i = 0; i < 10; i++) {
      holdout.add("e" + i, "no", 0, new float[] {i}, 0, TOPIC, 0, i);
    }
    long revision = holdout.revision();

    assertThat(holdout.forgetAllButNewest(3)).isEqualTo(7);

    assertThat(holdout.snapshot().ids()).containsExactly("e7", "e8", "e9");
    assertThat(holdout.revision()).as("the champion is re-scored").isNotEqualTo(revision);
    assertThat(holdout.evictedCount()).isEqualTo(7);
    assertThat(holdout.offsets()).containsExactly(new PartitionOffsets(TOPIC, 0, 7, 10));
    assertThat(holdout.forgetAllButNewest(3)).isZero();
    assertThat(holdout.forgetAllButNewest(0)).isEqualTo(3);
    assertThat(holdout.isEmpty()).isTrue();
  }

  @Test
  void aPartitionWithNothingHeldCoversAnEmptyRange() {
    HoldoutSet holdout = new HoldoutSet(1);
    holdout.add("a", "no", 0, new float[] {1f}, 0, TOPIC, 1, 5);
    holdout.add("b", "no", 0, new float[] {1f}, 0, TOPIC, 0, 7);

    assertThat(holdout.offsets())
        .containsExactly(
            new PartitionOffsets(TOPIC, 0, 7, 8), new PartitionOffsets(TOPIC, 1, 6, 6));
  }

  @Test
  void rejectsExamplesWhoseFeatureCountDiffersFromTheHeldOnes() {
    HoldoutSet holdout = new HoldoutSet(10);
    assertThat(holdout.featureCount()).isEmpty();
    holdout.add("a", "no", 0, new float[] {1f, 2f}, 0, TOPIC, 0, 0);

    assertThat(holdout.add("b", "no", 0, new float[] {1f}, 0, TOPIC, 0, 1))
        .isEqualTo(Outcome.REJECTED_FEATURE_COUNT);

    assertThat(holdout.size()).isEqualTo(1);
    assertThat(holdout.rejectedCount()).isEqualTo(1);
    assertThat(holdout.featureCount()).hasValue(2);
    // the rejected record's offset is still consumed
    assertThat(holdout.offsets()).containsExactly(new PartitionOffsets(TOPIC, 0, 0, 2));
  }

  @Test
  void snapshotIsIndependentOfLaterChanges() {
    HoldoutSet holdout = new HoldoutSet(10);
    holdout.add("a", "no", 0, new float[] {1f}, 0, TOPIC, 0, 0);
    HoldoutSet.Snapshot snapshot = holdout.snapshot();
    holdout.add("b", "yes", 1, new float[] {2f}, 0, TOPIC, 0, 1);

    assertThat(snapshot.size()).isEqualTo(1);
    assertThat(snapshot.revision()).isLessThan(holdout.revision());
  }

  @Test
  void needsRoomForAtLeastOneExample() {
    assertThatThrownBy(() -> new HoldoutSet(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static Example example(String id, String label, int labelIndex, Float... features) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(id)
        .setEventTime(Instant.EPOCH)
        .setSplit(Split.HOLDOUT)
        .setLabel(label)
        .setLabelIndex(labelIndex)
        .setFeatures(List.of(features))
        .build();
  }
}
