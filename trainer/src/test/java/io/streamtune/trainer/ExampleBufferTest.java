package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleBufferTest {

  private static float[] row(float value) {
    return new float[] {value, -value};
  }

  @Test
  void keepsEveryExampleUntilFullAndCountsClasses() {
    ExampleBuffer buffer = new ExampleBuffer(5, 3, 1L);
    buffer.add(row(1), 0);
    buffer.add(row(2), 2);
    buffer.add(row(3), 2);

    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.classCounts()).containsExactly(1, 0, 2);
    ExampleBuffer.Snapshot snapshot = buffer.snapshot();
    assertThat(snapshot.labels()).containsExactly(0, 2, 2);
    assertThat(snapshot.features()[1]).containsExactly(2f, -2f);
    assertThat(snapshot.featureCount()).isEqualTo(2);
  }

  @Test
  void addedRowsAreCopiedSoCallersCanReuseTheirArrays() {
    ExampleBuffer buffer = new ExampleBuffer(5, 2, 1L);
    float[] reused = row(1);
    buffer.add(reused, 0);
    reused[0] = 99;

    assertThat(buffer.snapshot().features()[0]).containsExactly(1f, -1f);
  }

  @Test
  void whenFullItStaysAUniformSampleSoOldExamplesKeepTheirShare() {
    ExampleBuffer buffer = new ExampleBuffer(200, 2, 7L);
    // 2,000 old examples of class 0, then 2,000 new ones of class 1.
    for (int i = 0; i < 4_000; i++) {
      buffer.add(row(i), i < 2_000 ? 0 : 1);
    }

    assertThat(buffer.size()).isEqualTo(200);
    assertThat(buffer.totalAdded()).isEqualTo(4_000);
    long[] counts = buffer.classCounts();
    assertThat(counts[0] + counts[1]).isEqualTo(200);
    assertThat(counts).containsExactly(buffer.snapshot().classCounts());
    // A uniform sample of 4,000 holds ~100 of each half (binomial sd ~7).
    assertThat(counts[0]).isBetween(75L, 125L);
    // The sample spans the whole stream, not only its start or end.
    assertThat(Arrays.stream(buffer.snapshot().features()).filter(f -> f[0] < 1_000).count())
        .isBetween(25L, 80L);
    assertThat(Arrays.stream(buffer.snapshot().features()).filter(f -> f[0] >= 3_000).count())
        .isBetween(25L, 80L);
  }

  @Test
  void theSameSeedAndStreamGiveTheSameBuffer() {
    ExampleBuffer first = new ExampleBuffer(50, 2, 99L);
    ExampleBuffer second = new ExampleBuffer(50, 2, 99L);
    ExampleBuffer otherSeed = new ExampleBuffer(50, 2, 100L);
    for (int i = 0; i < 1_000; i++) {
      first.add(row(i), i % 2);
      second.add(row(i), i % 2);
      otherSeed.add(row(i), i % 2);
    }

    assertThat(second.snapshot().features()).isDeepEqualTo(first.snapshot().features());
    assertThat(otherSeed.snapshot().features()).isNotEqualTo(first.snapshot().features());
  }

  @Test
  void namesWhatIsWrongWithABadExample() {
    ExampleBuffer buffer = new ExampleBuffer(5, 2, 1L);

    assertThat(buffer.problemWith(List.of(1f, 2f), 0, 2)).isEmpty();
    assertThat(buffer.problemWith(List.of(1f, 2f), 2, 2)).get().asString().contains("labelIndex 2");
    assertThat(buffer.problemWith(List.of(1f), 0, 2))
        .get()
        .asString()
        .contains("has 1 features, expected 2");
    assertThat(buffer.problemWith(List.of(1f, Float.NaN), 0, 2))
        .get()
        .asString()
        .contains("feature 1 is not a finite number");
    assertThat(buffer.problemWith(List.of(), 0, 0)).get().asString().contains("no features");

    buffer.add(row(1), 0);
    assertThat(buffer.problemWith(List.of(1f, 2f, 3f), 0, 0))
        .get()
        .asString()
        .contains("expected 2");
    assertThatThrownBy(() -> buffer.add(new float[3], 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> buffer.add(row(1), -1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] written(ExampleBuffer buffer) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      buffer.writeTo(out);
    }
    return bytes.toByteArray();
  }

  private static ExampleBuffer read(byte[] bytes, int capacity, int classes)
      throws java.io.IOException {
    return ExampleBuffer.readFrom(
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)), capacity, classes);
  }

  @Test
  void aRestoredSnapshotGoesOnExactlyAsTheOriginal() throws Exception {
    ExampleBuffer original = new ExampleBuffer(5, 3, 11L);
    for (int i = 0; i < 20; i++) {
      original.add(row(i), i % 3);
    }

    ExampleBuffer restored = read(written(original), 5, 3);

    assertThat(restored.size()).isEqualTo(5);
    assertThat(restored.totalAdded()).isEqualTo(20);
    assertThat(restored.classCounts()).containsExactly(original.classCounts());
    for (int i = 20; i < 40; i++) {
      original.add(row(i), i % 3);
      restored.add(row(i), i % 3);
    }
    assertThat(restored.snapshot().labels()).containsExactly(original.snapshot().labels());
    assertThat(restored.snapshot().features()).isDeepEqualTo(original.snapshot().features());
  }

  @Test
  void aSnapshotOfAnotherConfigurationIsRejected() throws Exception {
    ExampleBuffer original = new ExampleBuffer(5, 3, 11L);
    original.add(row(1), 0);

    assertThatThrownBy(() -> read(written(original), 6, 3))
        .hasMessageContaining("capacity 5 over 3 classes")
        .hasMessageContaining("6 over 3");
  }
}
