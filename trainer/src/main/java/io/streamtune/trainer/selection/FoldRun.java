package io.streamtune.trainer.selection;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.metrics.Latency;
import io.streamtune.model.scoring.ScoringInputs;
import io.streamtune.model.scoring.ScoringModel;
import io.streamtune.model.scoring.StoreModelLoader;
import io.streamtune.schemas.avro.ModelVersion;
import io.streamtune.spec.EvaluatorSpec;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.PipelineSpecs;
import io.streamtune.trainer.ExampleBuffer;
import io.streamtune.trainer.ModelTrainer;
import io.streamtune.trainer.ModelTrainerFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains one candidate on one fold's training part with the trainer the service would use ({@link
 * ModelTrainerFactory}) and scores the fold's other part through the serving path: the version is
 * stored to a scratch {@link ModelStore} and loaded back by {@link StoreModelLoader}, so the
 * predictions, latency and size are those of the model that would be deployed.
 *
 * <p>The trainer takes its validation slice (early stopping, the text head's L2 strength) from the
 * snapshot it is handed, which holds the training part only: the scored part never steers training.
 */
final class FoldRun {

  /**
   * Examples of a candidate scored one at a time to measure its per-example latency, spread over
   * its folds: the evaluator's default ({@code evaluator.latencySamples}), so the selection's p50
   * and p99 are read from as many samples, and defined ({@link Latency}), as those of the versions
   * the evaluator then reports; a p99 of a few samples is just about the slowest one.
   */
  static final int LATENCY_SAMPLES = EvaluatorSpec.LATENCY_SAMPLES.defaultValue();

  /** What one fold gave. */
  record Outcome(
      int[] scored,
      int[] predicted,
      double trainSeconds,
      long[] latencyNanos,
      long parameterCount) {}

  private final PipelineSpec spec;
  private final ModelStore store;
  private final StoreModelLoader loader;
  private final ModelTrainerFactory factory;
  private final Resources resources;
  private final int latencySamplesPerFold;
  private int nextVersion = 1;

  /**
   * What every trainer gets.
   *
   * @param shared the MiniLM encoder and cache of the selection, or null
   */
  record Resources(Device device, int threads, ModelTrainerFactory.SharedEmbeddings shared) {}

  FoldRun(
      PipelineSpec spec,
      Path storeRoot,
      StoreModelLoader loader,
      ModelTrainerFactory factory,
      Resources resources,
      int folds) {
    this.spec = spec;
    this.store = new ModelStore(storeRoot);
    this.loader = loader;
    this.factory = factory;
    this.resources = resources;
    this.latencySamplesPerFold = latencySamplesPerFold(folds);
  }

  /** Enough a fold that the candidate's folds together score {@value #LATENCY_SAMPLES} alone. */
  static int latencySamplesPerFold(int folds) {
    return (LATENCY_SAMPLES + folds - 1) / folds;
  }

  Outcome run(Candidate candidate, ExampleBuffer.Snapshot data, Folds.Fold fold) {
    PipelineSpec candidateSpec = spec.withTrainer(candidate.trainer());
    String modelId = "select-" + candidate.name().replaceAll("[^A-Za-z0-9_-]", "_");
    ExampleBuffer.Snapshot train = subset(data, fold.train());
    ModelTrainerFactory.Setup setup =
        new ModelTrainerFactory.Setup(
            modelId,
            candidateSpec,
            store,
            data.featureCount(),
            resources.device(),
            resources.threads(),
            resources.shared());
    long start = System.nanoTime();
    ModelVersion version;
    long parameters;
    try (ModelTrainer trainer = factory.create(setup)) {
      trainer.train(train, () -> false);
      parameters = parameterCount(trainer);
      version = save(candidateSpec, modelId, trainer);
    }
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    try (ScoringModel model = loader.load(version)) {
      ScoringInputs inputs = inputs(data, fold.scored());
      long[] latencies = latencies(model, inputs, latencySamplesPerFold);
      int[] predicted = model.predict(inputs);
      return new Outcome(fold.scored(), predicted, trainSeconds, latencies, parameters);
    }
  }

  private ModelVersion save(PipelineSpec candidateSpec, String modelId, ModelTrainer trainer) {
    int number = nextVersion++;
    ModelMetadata metadata = trainer.metadata(candidateSpec, modelId, number, Instant.now());
    Path dir =
        store.save(trainer.model(), metadata, PipelineSpecs.toYaml(candidateSpec), trainer.files());
    return ModelVersion.newBuilder()
        .setModelId(modelId)
        .setVersion(number)
        .setCreatedAt(Instant.now())
        .setStorePath(dir.toString())
        .setArchitecture(metadata.architecture())
        .setLabels(metadata.labels())
        .setFeatureCount(trainer.inputWidth())
        .setExamplesTrainedOn(0)
        .setNewExamples(0)
        .setTotalExamplesConsumed(0)
        .setConsumedOffsets(List.of())
        .setTrainLoss(0)
        .setEpochs(0)
        .setDurationMs(0)
        .setDevice(trainer.deviceName())
        .build();
  }

  /**
   * Parameters the deployed model holds, frozen ones included (they cost memory and latency): the
   * DJL block's, or what the trainer reports for a model that is not one.
   */
  static long parameterCount(ModelTrainer trainer) {
    Model model = trainer.model();
    if (model == null) {
      return trainer.parameterCount();
    }
    long count = 0;
    for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
      if (parameter.getValue().isInitialized()) {
        count += parameter.getValue().getArray().size();
      }
    }
    return count;
  }

  /** Warm-up once, then up to {@code perFold} scored examples one at a time, in nanoseconds. */
  private static long[] latencies(ScoringModel model, ScoringInputs inputs, int perFold) {
    int samples = Math.min(perFold, inputs.size());
    if (samples == 0) {
      return new long[0];
    }
    model.predict(single(inputs, 0, "warmup-"));
    long[] nanos = new long[samples];
    for (int i = 0; i < samples; i++) {
      // an id of its own: a cached embedding would hide the encoder's cost
      ScoringInputs one = single(inputs, i, "latency-");
      long start = System.nanoTime();
      model.predict(one);
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private static ScoringInputs single(ScoringInputs inputs, int row, String idPrefix) {
    return ScoringInputs.single(
        idPrefix + inputs.ids().get(row), inputs.features()[row], inputs.texts().get(row));
  }

  static ExampleBuffer.Snapshot subset(ExampleBuffer.Snapshot data, int[] indices) {
    List<ExampleBuffer.Item> items = new ArrayList<>(indices.length);
    float[][] features = new float[indices.length][];
    int[] labels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      ExampleBuffer.Item item = data.items().get(indices[i]);
      items.add(item);
      features[i] = item.features();
      labels[i] = item.label();
    }
    return new ExampleBuffer.Snapshot(features, labels, data.numClasses(), items);
  }

  /** The scored rows as the evaluator builds them: features, pixels in [0, 1], or texts. */
  static ScoringInputs inputs(ExampleBuffer.Snapshot data, int[] indices) {
    List<String> ids = new ArrayList<>(indices.length);
    float[][] features = new float[indices.length][];
    List<String> texts = new ArrayList<>(indices.length);
    for (int i = 0; i < indices.length; i++) {
      ExampleBuffer.Item item = data.items().get(indices[i]);
      ids.add(item.id());
      texts.add(item.text());
      if (item.features() != null) {
        features[i] = item.features();
      } else if (item.image() != null) {
        features[i] = new float[item.image().length];
        for (int p = 0; p < item.image().length; p++) {
          features[i][p] = (item.image()[p] & 0xff) / 255f;
        }
      } else {
        features[i] = new float[0];
      }
    }
    return new ScoringInputs(ids, features, texts);
  }
}
