package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExampleBufferTest {

  private static float[] row(float value) {
    return new float[] {value, -value};
  }

  private static ExampleBuffer.Item image(String id, int label, int fill) {
    byte[] pixels = new byte[784];
    java.util.Arrays.fill(pixels, (byte) fill);
    return new ExampleBuffer.Item(id, label, null, pixels, null);
  }

  @Test
  void keepsEveryExampleUntilAClassFillsItsSlotsAndCountsClasses() {
    ExampleBuffer buffer = new ExampleBuffer(6, 3, 1L);
    buffer.add(row(1), 0);
    buffer.add(row(2), 2);
    buffer.add(row(3), 2);

    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.classCounts()).containsExactly(1, 0, 2);
    assertThat(buffer.snapshot().labels()).containsExactly(0, 2, 2);
    assertThat(buffer.snapshot().featureCount()).isEqualTo(2);
  }

  @Test
  void addedRowsAreCopiedSoCallersCanReuseTheirArrays() {
    ExampleBuffer buffer = new ExampleBuffer(6, 2, 1L);
    float[] reused = row(1);
    buffer.add(reused, 0);
    reused[0] = 99;

    assertThat(buffer.snapshot().features()[0]).containsExactly(1f, -1f);
  }

  @Test
  void eachClassHoldsItsNewestExamplesPlusAUniformReplayShareOfOlderOnes() {
    // 200 slots over 2 classes, half replay: 50 newest + 50 older per class
    ExampleBuffer buffer = new ExampleBuffer(200, Long.MAX_VALUE, 0.5, 2, 7L);
    for (int i = 0; i < 5000; i++) {
      buffer.add(row(i), 0);
    }
    for (int i = 0; i < 10; i++) {
      buffer.add(row(-i - 1), 1); // a rare class keeps everything it has
    }

    assertThat(buffer.classCounts()).containsExactly(100, 10);
    assertThat(buffer.replayCount(0)).isEqualTo(50);
    List<ExampleBuffer.Item> items = buffer.items();
    List<Float> replay = items.subList(0, 50).stream().map(i -> i.features()[0]).toList();
    List<Float> recent = items.subList(50, 100).stream().map(i -> i.features()[0]).toList();
    assertThat(recent)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(4950, 5000).mapToObj(i -> (float) i).toList());
    // the replayed ones are a uniform sample of the 4,950 older ones: mean near 2,475, spread out
    double mean = replay.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    assertThat(mean).isBetween(2475 - 500.0, 2475 + 500.0);
    assertThat(replay.stream().filter(v -> v < 2475).count()).isBetween(15L, 35L);
    assertThat(replay).allMatch(v -> v < 4950);
  }

  @Test
  void noReplayShareIsPureFifoAndAllReplayIsAUniformReservoir() {
    ExampleBuffer fifo = new ExampleBuffer(20, Long.MAX_VALUE, 0.0, 2, 7L);
    ExampleBuffer reservoir = new ExampleBuffer(20, Long.MAX_VALUE, 1.0, 2, 7L);
    for (int i = 0; i < 1000; i++) {
      fifo.add(row(i), 0);
      reservoir.add(row(i), 0);
    }
    assertThat(fifo.items().stream().map(i -> i.features()[0]).toList())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(990, 1000).mapToObj(i -> (float) i).toList());
    assertThat(reservoir.replayCount(0)).isEqualTo(10);
    assertThat(reservoir.items().stream().filter(i -> i.features()[0] < 500).count())
        .isBetween(2L, 8L);
  }

  @Test
  void boundedInBytesPerClassAsWellAsInExamples() {
    long perImage = image("x-000", 0, 0).bytes();
    // room for 10 images per class, though the slots would take 100
    long maxBytes = 2 * 10 * perImage;
    ExampleBuffer buffer = new ExampleBuffer(200, maxBytes, 0.5, 2, 3L);
    for (int i = 0; i < 300; i++) {
      buffer.add(image(String.format("x-%03d", i), i % 2, i));
    }

    assertThat(buffer.bytes()).isLessThanOrEqualTo(maxBytes);
    assertThat(buffer.classCounts()).containsExactly(10, 10);
    // the newest of each class is always held
    assertThat(buffer.items()).anyMatch(item -> "x-299".equals(item.id()));
    assertThat(buffer.items()).anyMatch(item -> "x-298".equals(item.id()));
  }

  @Test
  void theSameSeedAndStreamGiveTheSameBuffer() {
    ExampleBuffer first = new ExampleBuffer(50, 2, 99L);
    ExampleBuffer second = new ExampleBuffer(50, 2, 99L);
    ExampleBuffer otherSeed = new ExampleBuffer(50, 2, 100L);
    Random labels = new Random(5);
    for (int i = 0; i < 1000; i++) {
      int label = labels.nextInt(2);
      first.add(row(i), label);
      second.add(row(i), label);
      otherSeed.add(row(i), label);
    }
    assertThat(second.snapshot().features()).isDeepEqualTo(first.snapshot().features());
    assertThat(otherSeed.snapshot().features()).isNotEqualTo(first.snapshot().features());
  }

  @Test
  void namesWhatIsWrongWithABadExample() {
    ExampleBuffer buffer = new ExampleBuffer(6, 2, 1L);

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

  private static byte[] written(ExampleBuffer buffer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      buffer.writeTo(out);
    }
    return bytes.toByteArray();
  }

  private static ExampleBuffer read(
      byte[] bytes, int capacity, long maxBytes, double replayShare, int classes)
      throws IOException {
    return ExampleBuffer.readFrom(
        new DataInputStream(new ByteArrayInputStream(bytes)),
        capacity,
        maxBytes,
        replayShare,
        classes);
  }

  @Test
  void imagesAndTextsAreRestoredExactlyAndTheRestoredBufferGoesOnAsTheOriginal() throws Exception {
    ExampleBuffer original = new ExampleBuffer(12, 1 << 20, 0.5, 3, 11L);
    for (int i = 0; i < 40; i++) {
      if (i % 2 == 0) {
        original.add(image("img-" + i, i % 3, i));
      } else {
        original.add(new ExampleBuffer.Item("txt-" + i, i % 3, null, null, "text é " + i));
      }
    }

    ExampleBuffer restored = read(written(original), 12, 1 << 20, 0.5, 3);

    assertThat(restored.size()).isEqualTo(original.size());
    assertThat(restored.bytes()).isEqualTo(original.bytes());
    assertThat(restored.totalAdded()).isEqualTo(40);
    assertThat(restored.classCounts()).containsExactly(original.classCounts());
    assertThat(restored.items())
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(original.items());
    for (int i = 40; i < 80; i++) {
      ExampleBuffer.Item next = image("img-" + i, i % 3, i);
      original.add(next);
      restored.add(next);
    }
    assertThat(restored.snapshot().ids()).containsExactlyElementsOf(original.snapshot().ids());
    assertThat(restored.snapshot().texts()).containsExactlyElementsOf(original.snapshot().texts());
  }

  @Test
  void changedLimitsReAddTheHeldExamplesUnderTheNewOnes() throws Exception {
    ExampleBuffer original = new ExampleBuffer(20, Long.MAX_VALUE, 0.5, 2, 11L);
    for (int i = 0; i < 100; i++) {
      original.add(row(i), i % 2);
    }

    ExampleBuffer fifo = read(written(original), 20, Long.MAX_VALUE, 0.0, 2);

    assertThat(fifo.size()).isEqualTo(20);
    assertThat(fifo.replayCount(0)).isZero();
    assertThat(fifo.totalAdded()).isEqualTo(100);
  }

  @Test
  void aSnapshotOfTheEarlierUniformReservoirFormatIsRead() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1); // format 1: capacity, classes, width, size, total added, random, rows
      out.writeInt(10);
      out.writeInt(2);
      out.writeInt(2);
      out.writeInt(3);
      out.writeLong(57);
      ByteArrayOutputStream random = new ByteArrayOutputStream();
      try (ObjectOutputStream objects = new ObjectOutputStream(random)) {
        objects.writeObject(new Random(1));
      }
      out.writeInt(random.size());
      out.write(random.toByteArray());
      for (int r = 0; r < 3; r++) {
        out.writeInt(r % 2);
        out.writeFloat(r);
        out.writeFloat(-r);
      }
    }

    ExampleBuffer restored = read(bytes.toByteArray(), 10, Long.MAX_VALUE, 0.5, 2);

    assertThat(restored.size()).isEqualTo(3);
    assertThat(restored.totalAdded()).isEqualTo(57);
    assertThat(restored.classCounts()).containsExactly(2, 1);
  }

  @Test
  void aSnapshotOfAnotherConfigurationIsRejected() throws Exception {
    ExampleBuffer original = new ExampleBuffer(6, 3, 11L);
    original.add(row(1), 0);

    assertThatThrownBy(() -> read(written(original), 9, Long.MAX_VALUE, 0.5, 3))
        .hasMessageContaining("capacity 6 over 3 classes")
        .hasMessageContaining("9 over 3");
  }

  /** Records whether Java deserialization ran its code: what a gadget chain would do. */
  static final class Tripwire implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean deserialized;

    private void readObject(java.io.ObjectInputStream in)
        throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      deserialized = true;
    }
  }

  private static byte[] formatOneSnapshot(byte[] randomState, int claimedLength) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1);
      out.writeInt(10);
      out.writeInt(2);
      out.writeInt(2);
      out.writeInt(0);
      out.writeLong(0);
      out.writeInt(claimedLength);
      out.write(randomState);
    }
    return bytes.toByteArray();
  }

  @Test
  void aSnapshotDeserializesNothingButItsRandomState() throws Exception {
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    try (ObjectOutputStream objects = new ObjectOutputStream(state)) {
      objects.writeObject(new Tripwire());
    }
    Tripwire.deserialized = false;

    byte[] snapshot = formatOneSnapshot(state.toByteArray(), state.size());

    assertThatThrownBy(() -> read(snapshot, 10, Long.MAX_VALUE, 0.5, 2))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("random state is unreadable")
        .hasMessageContaining("REJECTED");
    // before the filter, the object's readObject ran and only the cast to Random failed
    assertThat(Tripwire.deserialized).isFalse();
  }

  @Test
  void aCorruptRandomStateLengthIsRefusedBeforeAllocating() throws Exception {
    byte[] snapshot = formatOneSnapshot(new byte[0], Integer.MAX_VALUE - 8);

    assertThatThrownBy(() -> read(snapshot, 10, Long.MAX_VALUE, 0.5, 2))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("claims 2147483639 bytes");
  }

  @Test
  void aConceptDriftForgetsTheReplayedOlderConceptAndKeepsTheNewestPerClass() {
    ExampleBuffer buffer = new ExampleBuffer(200, Long.MAX_VALUE, 0.5, 2, 7L);
    for (int i = 0; i < 1000; i++) {
      buffer.add(row(i), i % 2);
    }
    long bytesBefore = buffer.bytes();
    assertThat(buffer.classCounts()).containsExactly(100, 100);

    int forgotten = buffer.forgetOlderConcept(10);

    assertThat(forgotten).isEqualTo(180);
    assertThat(buffer.classCounts()).containsExactly(10, 10);
    assertThat(buffer.replayCount(0)).isZero();
    assertThat(buffer.bytes()).isEqualTo(bytesBefore / 10);
    assertThat(buffer.items().stream().map(item -> (int) item.features()[0]))
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(980, 1000).boxed().toList());
    // new examples fill the recent slots again, then the replay sample restarts from them
    for (int i = 1000; i < 1200; i++) {
      buffer.add(row(i), i % 2);
    }
    assertThat(buffer.classCounts()).containsExactly(100, 100);
    assertThat(buffer.items()).allMatch(item -> item.features()[0] >= 980);
  }

  @Test
  void driftPoliciesKeepDropTheReplayOrKeepOnlyTheRecent() {
    io.streamtune.spec.TrainerSpec defaults = io.streamtune.spec.TrainerSpec.defaults();
    assertThat(defaults.driftPolicy()).isEqualTo(io.streamtune.spec.TrainerSpec.DriftPolicy.RECENT);
    for (var policy : io.streamtune.spec.TrainerSpec.DriftPolicy.values()) {
      ExampleBuffer buffer = new ExampleBuffer(400, Long.MAX_VALUE, 0.5, 2, 7L);
      for (int i = 0; i < 1000; i++) {
        buffer.add(row(i), i % 2);
      }
      io.streamtune.spec.TrainerSpec settings =
          defaults.with(io.streamtune.spec.TrainerSpec.DRIFT_POLICY, policy);

      DriftPolicies.apply(settings, buffer);

      long expected =
          switch (policy) {
            case KEEP -> 400;
            case DROP_REPLAY -> 200;
            case RECENT -> 0;
          };
      assertThat(buffer.size()).as("%s", policy).isEqualTo(expected);
    }
  }
}
