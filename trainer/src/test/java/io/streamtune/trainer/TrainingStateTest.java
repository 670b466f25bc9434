package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.avro.Split;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TrainingStateTest {

  private static final TopicPartition P0 = new TopicPartition("streamtune.examples.train", 0);

  private final AtomicLong clock = new AtomicLong();

  @Test
  void validExamplesFillTheBufferAndTriggerARoundEveryHundred() {
    TrainingState state = new TrainingState(TestSpecs.spec(), clock::get);
    List<Example> examples = TestSpecs.examples(150, 1);
    for (int i = 0; i < 100; i++) {
      assertThat(state.roundDue()).isEmpty();
      assertThat(state.offer(P0, i, examples.get(i))).isEmpty();
    }
    assertThat(state.roundDue()).contains(RetrainTrigger.Reason.COUNT);

    TrainingState.Round round = state.startRound(RetrainTrigger.Reason.COUNT);
    assertThat(round.newExamples()).isEqualTo(100);
    assertThat(round.data().size()).isEqualTo(100);
    int at = round.data().ids().indexOf(examples.get(7).getId());
    assertThat(round.data().features()[at])
        .containsExactly(TestSpecs.features(List.of(examples.get(7)))[0]);
    assertThat(state.roundDue()).isEmpty();
    assertThat(state.drainRanges())
        .containsExactly(new OffsetRange("streamtune.examples.train", 0, 0L, 100L));

    for (int i = 100; i < 150; i++) {
      state.offer(P0, i, examples.get(i));
    }
    TrainingState.Round second = state.startRound(RetrainTrigger.Reason.MAX_WAIT);
    assertThat(second.newExamples()).isEqualTo(50);
    assertThat(second.data().size()).isEqualTo(150);
    assertThat(state.totalExamplesConsumed()).isEqualTo(150);
    assertThat(state.maxTransformVersion()).isEqualTo(1);
  }

  @Test
  void badExamplesAreRejectedWithAReasonButTheirOffsetsAreCovered() {
    TrainingState state = new TrainingState(TestSpecs.spec(), clock::get);
    Example good = TestSpecs.example("a", 1, List.of(1f, 2f, 3f));
    Example shortOne = TestSpecs.example("b", 1, List.of(1f, 2f));
    Example wrongLabel = Example.newBuilder(good).setLabel("left").build();
    Example holdout = Example.newBuilder(good).setSplit(Split.HOLDOUT).build();
    Example badIndex = Example.newBuilder(good).setLabelIndex(5).build();

    assertThat(state.offer(P0, 0, good)).isEmpty();
    assertThat(state.offer(P0, 1, shortOne))
        .get()
        .asString()
        .contains("has 2 features, expected 3");
    assertThat(state.offer(P0, 2, wrongLabel))
        .get()
        .asString()
        .contains("label 'left' does not match labelIndex 1 ('right' in the spec)");
    assertThat(state.offer(P0, 3, holdout)).get().asString().contains("leak the holdout");
    assertThat(state.offer(P0, 4, badIndex)).get().asString().contains("labelIndex 5");
    assertThat(state.offer(P0, 5, null)).get().asString().contains("tombstone");
    state.reject(P0, 6);

    assertThat(state.rejected()).isEqualTo(6);
    assertThat(state.totalExamplesConsumed()).isEqualTo(1);
    assertThat(state.buffer().size()).isEqualTo(1);
    assertThat(state.drainRanges())
        .containsExactly(new OffsetRange("streamtune.examples.train", 0, 0L, 7L));
  }
}
