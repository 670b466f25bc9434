package io.streamtune.trainer;

import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a trainer starts: the latest stored version that was published, with the buffer it was
 * trained on, or a new model.
 *
 * <p>Stored versions whose offsets the group never committed (a crash between saving and
 * publishing) are set aside first, so their examples are read again instead of counted twice. The
 * latest published version resumes when its architecture, labels and (tabular) feature count match
 * the spec; otherwise a new model is trained, numbered after it. A snapshot that cannot be read
 * stops the start (its examples' offsets are committed, so Kafka would not give them again) unless
 * the configuration accepts starting empty ({@link TrainerConfig#ON_UNREADABLE_SNAPSHOT}).
 */
final class TrainerStart {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerStart.class);

  /** A buffer snapshot given up at start, reported as a dead letter once the producer runs. */
  record DiscardedSnapshot(int version, Path file, String reason) {}

  /**
   * @param parentVersion the version the trainer continues, null for a new model
   * @param discarded the snapshot given up, if any
   */
  record Outcome(
      ModelTrainer trainer,
      int nextVersion,
      Integer parentVersion,
      Optional<DiscardedSnapshot> discarded) {}

  private TrainerStart() {}

  /**
   * Sets aside unpublished versions, then resumes the latest stored version (restoring {@code
   * state}'s buffer) or creates a new model.
   */
  static Outcome begin(
      ModelTrainerFactory factory,
      ModelTrainerFactory.Setup setup,
      TrainingState state,
      VersionSink sink,
      TrainerConfig.UnreadableSnapshot onUnreadableSnapshot) {
    PipelineSpec spec = setup.spec();
    ModelStore store = setup.store();
    String modelId = setup.modelId();
    Optional<Integer> latest = store.latestVersion(modelId);
    while (latest.isPresent() && !published(store.versionDir(modelId, latest.get()), sink)) {
      Path aside = store.setAside(modelId, latest.get());
      LOG.warn(
          "model {}: stored v{} was never published (the group has not committed its offsets: a"
              + " crash between saving and committing); set aside as {}, its examples are read"
              + " again",
          modelId,
          latest.get(),
          aside);
      latest = store.latestVersion(modelId);
    }
    if (latest.isEmpty()) {
      LOG.info(
          "model {}: no stored versions in {}, starting from version 1", modelId, store.root());
      return new Outcome(factory.create(setup), 1, null, Optional.empty());
    }
    int version = latest.get();
    Path dir = store.versionDir(modelId, version);
    ModelMetadata stored = store.readMetadata(dir);
    String architecture = factory.architecture(setup, dir);
    List<String> labels = spec.label().classes();
    if (!stored.architecture().equals(architecture)
        || (spec.modality() == PipelineSpec.Modality.TABULAR
            && stored.featureCount() != setup.featureCount())
        || !stored.labels().equals(labels)) {
      LOG.warn(
          "model {}: stored v{} ({}, {} features, labels {}) does not match the spec ({}, {}"
              + " features, labels {}); training a new model as v{}",
          modelId,
          version,
          stored.architecture(),
          stored.featureCount(),
          stored.labels(),
          architecture,
          setup.featureCount(),
          labels,
          version + 1);
      return new Outcome(factory.create(setup), version + 1, null, Optional.empty());
    }
    Optional<DiscardedSnapshot> discarded =
        restoreBuffer(spec, state, dir, version, onUnreadableSnapshot);
    ModelTrainer resumed = factory.resume(setup, dir);
    LOG.info(
        "model {}: resuming from stored v{} ({}); next version v{}",
        modelId,
        version,
        dir,
        version + 1);
    return new Outcome(resumed, version + 1, version, discarded);
  }

  /** Whether a stored version's transaction committed ({@link PublishedOffsets}). */
  private static boolean published(Path dir, VersionSink sink) {
    List<OffsetRange> ranges;
    try {
      Optional<List<OffsetRange>> stored = PublishedOffsets.read(dir);
      if (stored.isEmpty() || stored.get().isEmpty()) {
        return true;
      }
      ranges = stored.get();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the offsets stored with " + dir, e);
    }
    Set<TopicPartition> partitions =
        ranges.stream()
            .map(r -> new TopicPartition(r.getTopic(), r.getPartition()))
            .collect(Collectors.toSet());
    return PublishedOffsets.committed(ranges, sink.committed(partitions));
  }

  /**
   * Restores the buffer the stored version was trained on. Its examples' offsets are committed, so
   * Kafka does not give them again: an unreadable (or missing) snapshot loses them from training.
   * By default that stops the start; with {@code trainer.buffer.on.unreadable.snapshot=empty} the
   * trainer starts with an empty buffer and reports the loss as a dead letter once running.
   */
  private static Optional<DiscardedSnapshot> restoreBuffer(
      PipelineSpec spec,
      TrainingState state,
      Path versionDir,
      int version,
      TrainerConfig.UnreadableSnapshot onUnreadableSnapshot) {
    Path snapshot = versionDir.resolve(VersionPublisher.BUFFER_FILE);
    TrainerSpec trainer = spec.trainer();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(snapshot)))) {
      state.restoreBuffer(
          ExampleBuffer.readFrom(
              in,
              trainer.bufferCapacity(),
              trainer.bufferMaxBytes(),
              trainer.replayShare(),
              spec.label().classes().size()));
      LOG.info(
          "model {}: restored a buffer of {} examples from {}",
          spec.name(),
          state.buffer().size(),
          snapshot);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      String problem =
          "cannot read the buffer snapshot of stored v"
              + version
              + " of model "
              + spec.name()
              + " at "
              + snapshot
              + ": "
              + e;
      if (onUnreadableSnapshot == TrainerConfig.UnreadableSnapshot.FAIL) {
        throw new IllegalStateException(
            problem
                + "; its examples would not be trained on again (their offsets are committed)."
                + " Restore the file, or set "
                + TrainerConfig.ON_UNREADABLE_SNAPSHOT.name()
                + " (env "
                + TrainerConfig.ON_UNREADABLE_SNAPSHOT.envName()
                + ")=empty to start with an empty buffer",
            e);
      }
      LOG.error("model {}: {}; starting with an empty buffer", spec.name(), problem);
      return Optional.of(
          new DiscardedSnapshot(version, snapshot, problem + "; started with an empty buffer"));
    }
  }
}
