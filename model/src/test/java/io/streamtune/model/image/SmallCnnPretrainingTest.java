package io.streamtune.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmallCnnPretrainingTest {

  /** Two classes: a bright square top-left or bottom-right, with noise. */
  static LabeledImages squares(int n, long seed) {
    Random random = new Random(seed);
    float[][] pixels = new float[n][SmallCnn.SIDE * SmallCnn.SIDE];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      int offset = labels[i] == 0 ? 3 : 15;
      for (int p = 0; p < pixels[i].length; p++) {
        pixels[i][p] = random.nextFloat() * 0.2f;
      }
      for (int y = offset; y < offset + 10; y++) {
        for (int x = offset; x < offset + 10; x++) {
          pixels[i][y * SmallCnn.SIDE + x] = 1f;
        }
      }
    }
    return new LabeledImages(pixels, labels, 2);
  }

  private static final SmallCnnPretraining.Options OPTIONS =
      new SmallCnnPretraining.Options(2, 16, 0.001f, 3, false);

  @Test
  void learnsASimpleTaskAndIsReproducible() {
    LabeledImages data = squares(128, 1);
    List<Double> first;
    try (SmallCnnPretraining training = SmallCnnPretraining.fromScratch(2, OPTIONS)) {
      first = training.train(data, epoch -> {});
      assertThat(training.accuracy(squares(64, 2))).isGreaterThan(0.95);
    }
    try (SmallCnnPretraining again = SmallCnnPretraining.fromScratch(2, OPTIONS)) {
      assertThat(again.train(data, epoch -> {})).isEqualTo(first);
    }
  }

  @Test
  void aSavedBackboneLoadsBackBitIdentical() {
    byte[] saved;
    List<float[]> trained;
    try (SmallCnnPretraining training = SmallCnnPretraining.fromScratch(2, OPTIONS)) {
      training.train(squares(64, 1), epoch -> {});
      trained = training.backboneValues();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      training.saveBackbone(out);
      saved = out.toByteArray();
    }

    try (SmallCnnPretraining loaded =
        SmallCnnPretraining.fromPretrained(3, OPTIONS, new ByteArrayInputStream(saved))) {
      List<float[]> values = loaded.backboneValues();
      assertThat(values).hasSameSizeAs(trained);
      for (int i = 0; i < values.size(); i++) {
        assertThat(values.get(i)).containsExactly(trained.get(i));
      }
    }
    // a frozen loaded backbone still separates the classes: only the new head learns
    SmallCnnPretraining.Options probe = new SmallCnnPretraining.Options(2, 16, 0.01f, 3, true);
    try (SmallCnnPretraining loaded =
        SmallCnnPretraining.fromPretrained(2, probe, new ByteArrayInputStream(saved))) {
      loaded.train(squares(64, 4), epoch -> {});
      assertThat(loaded.accuracy(squares(64, 5))).isGreaterThan(0.95);
      List<float[]> after = loaded.backboneValues();
      for (int i = 0; i < after.size(); i++) {
        assertThat(after.get(i)).containsExactly(trained.get(i));
      }
    }
  }
}
