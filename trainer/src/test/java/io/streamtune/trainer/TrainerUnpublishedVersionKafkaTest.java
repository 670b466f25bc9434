package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtune.embedded.EmbeddedKafkaExtension;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.topics.Topics;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A crash between saving a version and committing its transaction, as it leaves the store. */
class TrainerUnpublishedVersionKafkaTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aVersionSavedButNeverCommittedIsSetAsideAndItsExamplesTrainedAgain(@TempDir Path dir)
      throws Exception {
    TrainerKafkaFixture fixture =
        new TrainerKafkaFixture(
            KAFKA, new Topics("unpub."), TestSpecs.spec(), dir.resolve("store"), "trainer-unpub");
    String model = TestSpecs.spec().name();
    fixture.produce(TestSpecs.examples(100, 1));
    ModelVersion first = fixture.runTrainerUntil(1).get(0);

    // v2 in the store with offsets past what the group committed: saved, never published
    ModelStore store = new ModelStore(fixture.storeRoot());
    Path unpublished = store.versionDir(model, 2);
    copyTree(store.versionDir(model, 1), unpublished);
    List<OffsetRange> beyond =
        first.getConsumedOffsets().stream()
            .map(
                r ->
                    new OffsetRange(
                        r.getTopic(),
                        r.getPartition(),
                        r.getUntilOffset(),
                        r.getUntilOffset() + 50))
            .toList();
    try (OutputStream out = Files.newOutputStream(unpublished.resolve(PublishedOffsets.FILE))) {
      PublishedOffsets.write(beyond, out);
    }
    assertThat(store.latestVersion(model)).contains(2);

    fixture.produce(TestSpecs.examples(100, 2));
    List<ModelVersion> versions = fixture.runTrainerUntil(2);

    // before: the trainer resumed from the unpublished v2 and published v3 as its child
    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1, 2);
    assertThat(versions.get(1).getParentVersion()).isEqualTo(1);
    fixture.assertContiguous(versions);
    assertThat(store.versions(model)).containsExactly(1, 2);
    try (Stream<Path> children = Files.list(store.versionDir(model, 1).getParent())) {
      assertThat(children.map(p -> p.getFileName().toString()))
          .anyMatch(name -> name.startsWith(".unpublished-v2-"));
    }
    // and the published v2 stored the offsets its transaction committed
    assertThat(PublishedOffsets.read(store.versionDir(model, 2)))
        .contains(versions.get(1).getConsumedOffsets());
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }
}
