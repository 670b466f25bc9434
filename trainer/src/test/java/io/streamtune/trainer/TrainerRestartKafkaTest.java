package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.embedded.TopicReader;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.DeadLetter;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ImageEncoding;
import io.streamtune.schemas.avro.ImagePayload;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.Split;
import io.streamtune.schemas.serde.AvroSerdes;
import io.streamtune.schemas.topics.Topics;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image and text trainers (and one over a user's TorchScript backbone) killed and restarted
 * against a real broker: the ModelVersions' offset ranges must cover every record exactly once and
 * the first version after the restart must train on the buffer restored from its parent's snapshot
 * plus exactly the records the parent did not cover.
 */
class TrainerRestartKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final List<String> LABELS = List.of("first", "second");

  private static PipelineSpec spec(
      String name, String modality, String section, String trainerKeys) {
    return PipelineSpecs.parse(
        "name: "
            + name
            + "\nmodality: "
            + modality
            + "\nlabel: {column: label, classes: [first, second]}\n"
            + section
            + "\ntrainer:\n  retrainEvery: 100\n  maxWaitSeconds: 0\n  bufferCapacity: 1000\n"
            + "  epochs: 3\n  batchSize: 32\n  seed: 5\n"
            + trainerKeys,
        name + " spec");
  }

  private static PipelineSpec imageSpec(String name, String backbone) {
    return spec(
        name,
        "image",
        "image: {width: 28, height: 28}",
        "  backbone: " + backbone + "\n  strategy: full\n");
  }

  private static Example example(String id, int label) {
    return Example.newBuilder()
        .setId(id)
        .setSourceId(id)
        .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
        .setSplit(Split.TRAIN)
        .setLabel(LABELS.get(label))
        .setLabelIndex(label)
        .setTransformVersion(1)
        .build();
  }

  /** A bright square top-left (class 0) or bottom-right (class 1) on noise. */
  private static List<Example> images(String prefix, int count, long seed) {
    Random random = new Random(seed);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(2);
      byte[] pixels = new byte[784];
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = (byte) random.nextInt(60);
      }
      int offset = label == 0 ? 3 : 15;
      for (int y = offset; y < offset + 10; y++) {
        for (int x = offset; x < offset + 10; x++) {
          pixels[y * 28 + x] = (byte) 255;
        }
      }
      Example example = example(prefix + "-" + i, label);
      example.setImage(
          ImagePayload.newBuilder()
              .setWidth(28)
              .setHeight(28)
              .setChannels(1)
              .setEncoding(ImageEncoding.RAW_U8)
              .setData(ByteBuffer.wrap(pixels))
              .build());
      examples.add(example);
    }
    return examples;
  }

  private static final String[][] WORDS = {
    {"striker", "goal", "match", "referee", "league", "keeper", "penalty", "season"},
    {"garlic", "simmer", "sauce", "oven", "recipe", "butter", "bake", "onion"}
  };

  private static List<Example> texts(String prefix, int count, long seed) {
    Random random = new Random(seed);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(2);
      StringBuilder text = new StringBuilder("note " + i);
      for (int w = 0; w < 8; w++) {
        text.append(' ').append(WORDS[label][random.nextInt(WORDS[label].length)]);
      }
      Example example = example(prefix + "-" + i, label);
      example.setText(text.toString());
      examples.add(example);
    }
    return examples;
  }

  private static TrainerKafkaFixture fixture(PipelineSpec spec, Path store) {
    return new TrainerKafkaFixture(
        KAFKA, new Topics(spec.name() + "."), spec, store, "trainer-" + spec.name());
  }

  /** The ids in a version's buffer snapshot, as a restarted trainer would restore it. */
  private static List<String> snapshotIds(ModelVersion version, PipelineSpec spec)
      throws Exception {
    Path file = Path.of(version.getStorePath()).resolve(TrainerService.BUFFER_FILE);
    TrainerSpec trainer = spec.trainer();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      return ExampleBuffer.readFrom(
              in,
              trainer.bufferCapacity(),
              trainer.bufferMaxBytes(),
              trainer.replayShare(),
              LABELS.size())
          .items()
          .stream()
          .map(ExampleBuffer.Item::id)
          .toList();
    }
  }

  /**
   * Produces a bad record and {@code first}, kills the first trainer when {@code killWhen} holds,
   * produces {@code second}, restarts, and checks the accounting once {@code expectedVersions}
   * versions exist. Returns the versions.
   */
  private static List<ModelVersion> killAndRestart(
      PipelineSpec spec,
      Path store,
      List<Example> first,
      List<Example> second,
      Predicate<TrainerService.Stats> killWhen,
      int versionsBeforeKill,
      int expectedVersions)
      throws Exception {
    TrainerKafkaFixture fixture = fixture(spec, store);
    fixture.produceGarbage("broken");
    fixture.produce(first);

    TrainerService.Stats atKill;
    try (TrainerKafkaFixture.Running running = fixture.start()) {
      await()
          .atMost(TrainerKafkaFixture.TIMEOUT)
          .pollInterval(Duration.ofMillis(2))
          .until(() -> killWhen.test(running.service.stats()));
      atKill = running.service.stats();
    }
    assertThat(atKill.versionsPublished()).isEqualTo(versionsBeforeKill);
    assertThat(new ModelStore(store).versions(spec.name()))
        .as("nothing of the killed trainer's last round is stored")
        .hasSize(versionsBeforeKill);

    fixture.produce(second);
    List<ModelVersion> versions = fixture.runTrainerUntil(expectedVersions);

    assertThat(versions)
        .extracting(ModelVersion::getVersion)
        .containsExactlyElementsOf(Stream.iterate(1, v -> v + 1).limit(expectedVersions).toList());
    // every record (the bad one included) is in exactly one version's ranges, none skipped
    Map<Integer, Long> ends = fixture.assertContiguous(versions);
    assertThat(TrainerKafkaFixture.rangeSize(versions)).isEqualTo(first.size() + second.size() + 1);
    fixture.assertCommittedAt(ends);

    // the first version after the restart continues its parent: the parent's restored snapshot
    // plus the records after the parent's ranges, each example in it once
    ModelVersion parent = versions.get(versionsBeforeKill - 1);
    ModelVersion resumed = versions.get(versionsBeforeKill);
    assertThat(resumed.getParentVersion()).isEqualTo(parent.getVersion());
    assertThat(resumed.getExamplesTrainedOn())
        .isEqualTo(parent.getExamplesTrainedOn() + resumed.getNewExamples());
    assertThat(resumed.getTotalExamplesConsumed())
        .isEqualTo(parent.getTotalExamplesConsumed() + resumed.getNewExamples());
    List<String> parentIds = snapshotIds(parent, spec);
    List<String> resumedIds = snapshotIds(resumed, spec);
    assertThat(parentIds).hasSize((int) parent.getExamplesTrainedOn());
    assertThat(resumedIds).containsAll(parentIds).doesNotHaveDuplicates();
    List<String> all = new ArrayList<>();
    first.forEach(e -> all.add(e.getId()));
    second.forEach(e -> all.add(e.getId()));
    ModelVersion last = versions.get(versions.size() - 1);
    assertThat(snapshotIds(last, spec)).containsExactlyInAnyOrderElementsOf(all);
    assertThat(last.getTotalExamplesConsumed()).isEqualTo(all.size());
    return versions;
  }

  @Test
  void anImageTrainerKilledDuringARoundResumesWithoutRepeatingOrSkippingAnOffset(
      @TempDir Path store) throws Exception {
    PipelineSpec spec = imageSpec("restart-image", "mnist-cnn");
    // 300 examples: rounds at 100, 200 and 300; the kill lands while the third trains
    List<ModelVersion> versions =
        killAndRestart(
            spec,
            store,
            images("img", 300, 1),
            images("img-late", 100, 2),
            stats -> stats.versionsPublished() == 2 && stats.roundInProgress(),
            2,
            4);
    // the abandoned round is retrained from v2's snapshot: 200 restored + 100 re-read
    assertThat(versions.get(2).getNewExamples()).isEqualTo(100);
    assertThat(versions.get(2).getExamplesTrainedOn()).isEqualTo(300);
    assertThat(versions.get(3).getExamplesTrainedOn()).isEqualTo(400);
  }

  @Test
  void aTextTrainerKilledBetweenRoundsRereadsWhatItHadNotCommitted(@TempDir Path store)
      throws Exception {
    PipelineSpec spec = spec("restart-text", "text", "text: {field: text}", "  backbone: tfidf\n");
    // 250 examples: v1 and v2 commit 200; the 50 after them are consumed but not committed
    List<ModelVersion> versions =
        killAndRestart(
            spec,
            store,
            texts("txt", 250, 3),
            texts("txt-late", 50, 4),
            stats ->
                stats.versionsPublished() == 2
                    && !stats.roundInProgress()
                    && stats.examplesConsumed() == 250,
            2,
            3);
    assertThat(versions.get(2).getNewExamples()).isEqualTo(100);
    assertThat(versions.get(2).getExamplesTrainedOn()).isEqualTo(300);
    assertThat(versions.get(2).getArchitecture()).isEqualTo("text-linear[tfidf]");
  }

  @Test
  void aTrainerOverAUserTorchScriptBackboneResumesItsStoredVersion(@TempDir Path store)
      throws Exception {
    PipelineSpec spec = imageSpec("restart-byo", tinyConv().toString());
    List<ModelVersion> versions =
        killAndRestart(
            spec,
            store,
            images("byo", 200, 5),
            images("byo-late", 100, 6),
            stats -> stats.versionsPublished() == 2 && !stats.roundInProgress(),
            2,
            3);
    assertThat(versions.get(2).getArchitecture()).startsWith("user-backbone[torchscript");
    assertThat(versions.get(2).getExamplesTrainedOn()).isEqualTo(300);
  }

  private static Path tinyConv() throws URISyntaxException {
    return Path.of(TrainerRestartKafkaTest.class.getResource("/backbones/tiny-conv.pt").toURI());
  }

  @Test
  void anUnreadableBufferSnapshotStopsTheStartUnlessConfiguredToStartEmpty(@TempDir Path store)
      throws Exception {
    PipelineSpec spec =
        PipelineSpecs.parse(TestSpecs.YAML.replace("name: blobs", "name: snapshots"), "spec");
    TrainerKafkaFixture fixture = fixture(spec, store);
    fixture.produce(TestSpecs.examples(100, 21));
    ModelVersion first = fixture.runTrainerUntil(1).get(0);
    Path snapshot = Path.of(first.getStorePath()).resolve(TrainerService.BUFFER_FILE);
    Files.write(snapshot, new byte[] {0, 0, 0, 9, 1, 2});

    assertThatThrownBy(() -> new TrainerService(fixture.config()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stored v1 of model snapshots")
        .hasMessageContaining(snapshot.toString())
        .hasMessageContaining("trainer.buffer.on.unreadable.snapshot");

    fixture.produce(TestSpecs.examples(100, 22));
    List<ModelVersion> versions;
    try (TrainerKafkaFixture.Running running =
        fixture.start(
            fixture.config().withOnUnreadableSnapshot(TrainerConfig.UnreadableSnapshot.EMPTY))) {
      assertThat(running.service.stats().bufferSnapshotDiscarded()).isTrue();
      versions = fixture.readVersions(2);
    }
    ModelVersion second = versions.get(1);
    assertThat(second.getParentVersion()).isEqualTo(1);
    assertThat(second.getNewExamples()).isEqualTo(100);
    assertThat(second.getExamplesTrainedOn())
        .as("the unreadable snapshot's 100 examples are gone; only the new ones train")
        .isEqualTo(100);
    assertThat(TrainerKafkaFixture.rangeSize(versions)).isEqualTo(200);
    fixture.assertContiguous(versions);

    List<DeadLetter> letters =
        TopicReader.readAtLeast(
                KAFKA.bootstrapServers(),
                fixture.topics().name(Topics.DEADLETTER),
                AvroSerdes.valueDeserializer(KAFKA.schemaRegistryUrl(), DeadLetter.class),
                1,
                TrainerKafkaFixture.TIMEOUT)
            .stream()
            .map(ConsumerRecord::value)
            .toList();
    assertThat(letters).hasSize(1);
    DeadLetter letter = letters.get(0);
    assertThat(letter.getRecordId()).isEqualTo("snapshots/v1/buffer.bin");
    assertThat(letter.getStage()).isEqualTo(TrainerService.STAGE);
    assertThat(letter.getPartition()).isEqualTo(-1);
    assertThat(letter.getReason())
        .contains(snapshot.toString())
        .contains("started with an empty buffer");
  }
}
