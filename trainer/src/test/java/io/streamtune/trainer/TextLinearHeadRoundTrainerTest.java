package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.spec.TrainerSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextLinearHeadRoundTrainerTest {

  private static ExampleBuffer.Snapshot texts(int count) {
    List<ExampleBuffer.Item> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = i % 2;
      String text =
          label == 0
              ? "the striker scored a late goal for the team, match " + i
              : "simmer the garlic sauce and bake the bread, recipe " + i;
      items.add(new ExampleBuffer.Item("t-" + i, label, null, null, text));
    }
    ExampleBuffer buffer = new ExampleBuffer(1000, 2, 1L);
    items.forEach(buffer::add);
    return buffer.snapshot();
  }

  @Test
  void miniLmEmbeddingsAreComputedOncePerExampleAcrossRounds() {
    TrainerSpec spec = TrainerSpec.defaults();
    try (TextLinearHeadRoundTrainer trainer = TextLinearHeadRoundTrainer.create(spec, 2, 1)) {
      ModelTrainer.Result first = trainer.train(texts(20), () -> false);
      assertThat(trainer.encodedCount()).isEqualTo(20);

      ModelTrainer.Result second = trainer.train(texts(30), () -> false);

      assertThat(trainer.encodedCount()).as("only the 10 new texts are encoded").isEqualTo(30);
      assertThat(first.examples()).isEqualTo(20);
      assertThat(second.examples()).isEqualTo(30);
      assertThat(second.trainLoss()).isLessThan(0.5);
      assertThat(trainer.files()).containsKey("head.bin");
    }
  }

  @Test
  void theTfidfBaselineNeedsNoEncoderAndStoresItsIdf() {
    TrainerSpec spec = TrainerSpec.defaults().with(TrainerSpec.BACKBONE, TrainerSpec.TFIDF);
    try (TextLinearHeadRoundTrainer trainer = TextLinearHeadRoundTrainer.create(spec, 2, 1)) {
      trainer.train(texts(40), () -> false);
      assertThat(trainer.encodedCount()).isZero();
      assertThat(trainer.architecture()).isEqualTo("text-linear[tfidf]");
      assertThat(trainer.files()).containsKeys("head.bin", "tfidf.bin");
    }
  }
}
