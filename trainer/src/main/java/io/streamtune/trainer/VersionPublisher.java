package io.streamtune.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.schemas.avro.OffsetRange;
import io.streamtune.schemas.avro.TransformVersion;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.spec.TrainerSpec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a trained round into a version: stores it (parameters, metadata, spec, buffer snapshot,
 * {@value #TRAINING_FILE}, {@link PublishedOffsets}) and then publishes its {@link ModelVersion}
 * through the {@link VersionSink}, which commits the offsets it covers. Numbers versions on from
 * where {@link TrainerStart} left them.
 *
 * <p>The version is stored before it is published: a crash in between leaves a stored version whose
 * offsets were not committed, which the next start sets aside ({@link TrainerStart}).
 */
final class VersionPublisher {

  /** The buffer snapshot stored with every version. */
  static final String BUFFER_FILE = "buffer.bin";

  /** How the version was trained (JSON) stored with every version. */
  static final String TRAINING_FILE = "training.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(VersionPublisher.class);

  private final PipelineSpec spec;
  private final String modelId;
  private final String specYaml;
  private final ModelStore store;
  private final VersionSink sink;
  private final TrainingState state;
  private final TransformSource transforms;
  private final String nativeFlavor;
  private final int threads;
  private int nextVersion;
  private Integer parentVersion;
  private volatile int published;
  private volatile int lastVersion;

  /**
   * @param nativeFlavor the PyTorch native build the versions train on (cpu, cu128...)
   * @param threads PyTorch intra-op threads, recorded in {@value #TRAINING_FILE}
   */
  VersionPublisher(
      PipelineSpec spec,
      ModelStore store,
      VersionSink sink,
      TrainingState state,
      TrainerStart.Outcome start,
      TransformSource transforms,
      String nativeFlavor,
      int threads) {
    this.spec = spec;
    this.modelId = spec.name();
    this.specYaml = PipelineSpecs.toYaml(spec);
    this.store = store;
    this.sink = sink;
    this.state = state;
    this.transforms = transforms;
    this.nextVersion = start.nextVersion();
    this.parentVersion = start.parentVersion();
    this.nativeFlavor = nativeFlavor;
    this.threads = threads;
  }

  /** Versions published by this instance. */
  int published() {
    return published;
  }

  /** The last version this instance published, 0 before the first. */
  int lastVersion() {
    return lastVersion;
  }

  /** The number the next version gets. */
  int nextVersion() {
    return nextVersion;
  }

  /**
   * Stores the round's model as the next version and publishes it with the offsets the buffer took
   * in since the last version.
   *
   * @throws IllegalStateException when the version is stored but could not be published; the next
   *     start sets it aside
   */
  ModelVersion publish(
      TrainingState.Round round, ModelTrainer.Result result, ModelTrainer trainer) {
    int version = nextVersion;
    Instant createdAt = Instant.now();
    boolean tabular = spec.modality() == PipelineSpec.Modality.TABULAR;
    ModelMetadata metadata = trainer.metadata(spec, modelId, version, createdAt);
    Map<String, ModelStore.FileContent> files = new HashMap<>(trainer.files());
    files.put(
        BUFFER_FILE,
        out -> {
          DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
          state.buffer().writeTo(data);
          data.flush();
        });
    String training = trainingJson(round, result, trainer);
    files.put(TRAINING_FILE, out -> out.write(training.getBytes(StandardCharsets.UTF_8)));
    Optional<TransformVersion> transform =
        tabular ? transforms.transformFor(state.maxTransformVersion()) : Optional.empty();
    transform.ifPresent(
        t ->
            files.put(
                ModelStore.TRANSFORM_FILE,
                out -> out.write(t.getJson().getBytes(StandardCharsets.UTF_8))));
    if (tabular && transform.isEmpty()) {
      LOG.warn(
          "model {} v{}: no fitted transform published on the transforms topic yet; this version"
              + " is stored without {} and cannot be served",
          modelId,
          version,
          ModelStore.TRANSFORM_FILE);
    }
    List<OffsetRange> ranges = state.drainRanges();
    // beside the version, so a start can tell whether its transaction committed
    files.put(PublishedOffsets.FILE, out -> PublishedOffsets.write(ranges, out));
    Path dir = store.save(trainer.model(), metadata, specYaml, files);
    ModelVersion modelVersion =
        ModelVersion.newBuilder()
            .setModelId(modelId)
            .setVersion(version)
            .setParentVersion(parentVersion)
            .setCreatedAt(createdAt)
            .setStorePath(dir.toString())
            .setArchitecture(metadata.architecture())
            .setLabels(metadata.labels())
            .setFeatureCount(trainer.inputWidth())
            .setExamplesTrainedOn(round.data().size())
            .setNewExamples(round.newExamples())
            .setTotalExamplesConsumed(state.totalExamplesConsumed())
            .setConsumedOffsets(ranges)
            .setTrainLoss(result.trainLoss())
            .setEpochs(result.epochs())
            .setDurationMs(result.durationMs())
            .setDevice(result.device())
            .setNativeFlavor(nativeFlavor)
            .setMaxTransformVersion(state.maxTransformVersion())
            .setTransformVersion(transform.map(TransformVersion::getVersion).orElse(null))
            .build();
    List<EvaluationReport> reports = trainer.metricsReports(modelId, version, createdAt);
    try {
      sink.publish(modelVersion, reports);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "model "
              + modelId
              + " v"
              + version
              + " is stored in "
              + dir
              + " but could not be published; the next start resumes after v"
              + (version - 1)
              + "'s offsets",
          e);
    }
    parentVersion = version;
    lastVersion = version;
    nextVersion = version + 1;
    published++;
    LOG.info(
        "model {} v{} ({}): trained on {} examples ({} new, classes {}), loss {} after {} epochs"
            + " in {} ms on {}; offsets {}",
        modelId,
        version,
        round.reason(),
        round.data().size(),
        round.newExamples(),
        Arrays.toString(round.data().classCounts()),
        String.format(Locale.ROOT, "%.4f", result.trainLoss()),
        result.epochs(),
        result.durationMs(),
        result.device(),
        ranges.stream()
            .map(
                r ->
                    r.getTopic()
                        + "-"
                        + r.getPartition()
                        + "["
                        + r.getFromOffset()
                        + ","
                        + r.getUntilOffset()
                        + ")")
            .collect(Collectors.joining(" ")));
    return modelVersion;
  }

  /** What trained the version, beside its metadata: transform version, backbone, strategy, loss. */
  private String trainingJson(
      TrainingState.Round round, ModelTrainer.Result result, ModelTrainer trainer) {
    TrainerSpec settings = spec.trainer();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("modality", spec.modality().name().toLowerCase(Locale.ROOT));
    fields.put("backbone", settings.backboneFor(spec.modality()));
    fields.put("strategy", settings.strategyFor(spec.modality()).name().toLowerCase(Locale.ROOT));
    fields.put("maxTransformVersion", state.maxTransformVersion());
    fields.put("trigger", round.reason().name().toLowerCase(Locale.ROOT));
    fields.put("examplesTrainedOn", round.data().size());
    fields.put("trainLoss", result.trainLoss());
    fields.put("epochLosses", result.epochLosses());
    fields.put("epochs", result.epochs());
    fields.put("steps", result.steps());
    fields.put("durationMs", result.durationMs());
    fields.put("device", result.device());
    fields.put("threads", threads);
    fields.putAll(trainer.trainingDetails());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + TRAINING_FILE, e);
    }
  }
}
