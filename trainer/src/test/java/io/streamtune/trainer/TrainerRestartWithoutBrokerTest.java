package io.streamtune.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.Example;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start, publish, crash and restart through {@link TrainerStart}, {@link VersionPublisher} and an
 * in-memory {@link VersionSink}, with a counting trainer injected as the {@link
 * ModelTrainerFactory}: no broker, no engine.
 */
class TrainerRestartWithoutBrokerTest {

  private static final TopicPartition P0 = new TopicPartition("streamtune.examples.train", 0);
  private static final String STATE_FILE = "counting.txt";

  @TempDir Path root;

  private final List<Example> examples = TestSpecs.examples(400, 7);

  @Test
  void restartsFromTheLastPublishedVersionAndSetsAnUnpublishedOneAside() throws IOException {
    PipelineSpec spec = TestSpecs.spec();
    ModelStore store = new ModelStore(root);
    MapVersionSink sink = new MapVersionSink();
    CountingFactory factory = new CountingFactory();

    TrainingState state = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome first = begin(factory, spec, store, state, sink);
    assertThat(first.nextVersion()).isEqualTo(1);
    assertThat(first.parentVersion()).isNull();
    assertThat(factory.created).isEqualTo(1);
    VersionPublisher publisher =
        new VersionPublisher(spec, store, sink, state, first, TransformSource.NONE, "cpu", 1);

    ModelVersion v1 = trainAndPublish(state, first.trainer(), publisher, 0, 100);
    ModelVersion v2 = trainAndPublish(state, first.trainer(), publisher, 100, 150);
    assertThat(v1.getVersion()).isEqualTo(1);
    assertThat(v1.getParentVersion()).isNull();
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getParentVersion()).isEqualTo(1);
    assertThat(v2.getConsumedOffsets()).containsExactly(new OffsetRange(P0.topic(), 0, 100L, 150L));
    assertThat(v2.getExamplesTrainedOn()).isEqualTo(150);
    assertThat(sink.committed).containsEntry(P0, 150L);
    assertThat(publisher.published()).isEqualTo(2);

    // v3 is stored, then its transaction fails: as if the trainer died between the two
    sink.failNext = true;
    assertThatThrownBy(() -> trainAndPublish(state, first.trainer(), publisher, 150, 180))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("v3 is stored in")
        .hasMessageContaining("resumes after v2's offsets");
    assertThat(store.latestVersion(spec.name())).contains(3);
    assertThat(sink.versions).extracting(ModelVersion::getVersion).containsExactly(1, 2);
    first.trainer().close();

    TrainingState restarted = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome second = begin(factory, spec, store, restarted, sink);
    assertThat(store.versions(spec.name())).containsExactly(1, 2);
    try (Stream<Path> files = Files.list(store.root().resolve(spec.name()))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(name -> name.startsWith(".unpublished-v3-"));
    }
    assertThat(second.nextVersion()).isEqualTo(3);
    assertThat(second.parentVersion()).isEqualTo(2);
    assertThat(second.discarded()).isEmpty();
    assertThat(factory.resumedFrom).isEqualTo(store.versionDir(spec.name(), 2));
    // v2's weights (its examples seen) and its buffer, not v3's
    assertThat(((CountingTrainer) second.trainer()).seen).isEqualTo(250);
    assertThat(restarted.buffer().size()).isEqualTo(150);

    // the restarted trainer reads v3's examples again and publishes them as v3, child of v2
    VersionPublisher again =
        new VersionPublisher(spec, store, sink, restarted, second, TransformSource.NONE, "cpu", 1);
    ModelVersion v3 = trainAndPublish(restarted, second.trainer(), again, 150, 180);
    assertThat(v3.getVersion()).isEqualTo(3);
    assertThat(v3.getParentVersion()).isEqualTo(2);
    assertThat(v3.getExamplesTrainedOn()).isEqualTo(180);
    assertThat(((CountingTrainer) second.trainer()).seen).isEqualTo(430);
    second.trainer().close();
  }

  @Test
  void aStoredVersionOfAnotherArchitectureStartsANewModelNumberedAfterIt() {
    PipelineSpec spec = TestSpecs.spec();
    ModelStore store = new ModelStore(root);
    MapVersionSink sink = new MapVersionSink();
    CountingFactory factory = new CountingFactory();
    TrainingState state = new TrainingState(spec, () -> 0L);
    TrainerStart.Outcome first = begin(factory, spec, store, state, sink);
    trainAndPublish(
        state,
        first.trainer(),
        new VersionPublisher(spec, store, sink, state, first, TransformSource.NONE, "cpu", 1),
        0,
        100);

    PipelineSpec wider =
        PipelineSpecs.parse(
            TestSpecs.YAML.replace("hiddenUnits: [8]", "hiddenUnits: [16, 8]"), "wider");
    TrainingState fresh = new TrainingState(wider, () -> 0L);
    TrainerStart.Outcome second = begin(factory, wider, store, fresh, sink);
    assertThat(second.nextVersion()).isEqualTo(2);
    assertThat(second.parentVersion()).isNull();
    assertThat(factory.created).isEqualTo(2);
    assertThat(factory.resumedFrom).isNull();
    assertThat(second.trainer().architecture()).isEqualTo("counting[16, 8]");
    assertThat(fresh.buffer().size()).isZero();
  }

  /** A start as the service makes it, on the CPU with one thread. */
  static TrainerStart.Outcome begin(
      ModelTrainerFactory factory,
      PipelineSpec spec,
      ModelStore store,
      TrainingState state,
      VersionSink sink) {
    return TrainerStart.begin(
        factory,
        new ModelTrainerFactory.Setup(
            spec.name(), spec, store, state.featureCount(), Device.cpu(), 1),
        state,
        sink,
        TrainerConfig.UnreadableSnapshot.FAIL);
  }

  private ModelVersion trainAndPublish(
      TrainingState state, ModelTrainer trainer, VersionPublisher publisher, int from, int until) {
    return trainAndPublish(examples, state, trainer, publisher, from, until);
  }

  /**
   * Offers examples {@code from} until {@code until} at their offsets, trains a round, publishes.
   */
  static ModelVersion trainAndPublish(
      List<Example> examples,
      TrainingState state,
      ModelTrainer trainer,
      VersionPublisher publisher,
      int from,
      int until) {
    for (int offset = from; offset < until; offset++) {
      assertThat(state.offer(P0, offset, examples.get(offset))).isEmpty();
    }
    TrainingState.Round round = state.startRound(RetrainTrigger.Reason.COUNT);
    return publisher.publish(round, trainer.train(round.data(), () -> false), trainer);
  }

  /** Its "weights" are the number of examples it has trained on, over every round. */
  private static final class CountingTrainer implements ModelTrainer {
    private final String architecture;
    private long seen;

    CountingTrainer(String architecture, long seen) {
      this.architecture = architecture;
      this.seen = seen;
    }

    @Override
    public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
      seen += data.size();
      return new Result(1.0 / seen, List.of(1.0 / seen), 1, 1, data.size(), 0, "cpu()");
    }

    @Override
    public String architecture() {
      return architecture;
    }

    @Override
    public int inputWidth() {
      return 3;
    }

    @Override
    public int metadataFeatureCount() {
      return 3;
    }

    @Override
    public String deviceName() {
      return "cpu()";
    }

    @Override
    public Model model() {
      return null;
    }

    @Override
    public Map<String, ModelStore.FileContent> files() {
      long value = seen;
      return Map.of(
          STATE_FILE, out -> out.write(Long.toString(value).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {}
  }

  private static final class CountingFactory implements ModelTrainerFactory {
    int created;
    Path resumedFrom;

    @Override
    public String architecture(Setup setup) {
      return "counting" + setup.trainer().hiddenUnits();
    }

    @Override
    public ModelTrainer create(Setup setup) {
      created++;
      return new CountingTrainer(architecture(setup), 0);
    }

    @Override
    public ModelTrainer resume(Setup setup, Path versionDir) {
      resumedFrom = versionDir;
      try {
        long seen = Long.parseLong(Files.readString(versionDir.resolve(STATE_FILE)).trim());
        return new CountingTrainer(architecture(setup), seen);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
