package io.streamtune.trainer;

import ai.djl.Model;
import io.streamtune.model.ModelMetadata;
import io.streamtune.model.ModelStore;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.schemas.avro.EvaluationReport;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One modality's model as the trainer service drives it: trains a round on a buffer snapshot, keeps
 * its state in memory for the next round, and says how it is stored.
 */
public interface ModelTrainer extends AutoCloseable {

  /** The outcome of one round. */
  record Result(
      double trainLoss,
      List<Double> epochLosses,
      int epochs,
      int steps,
      int examples,
      long durationMs,
      String device) {

    static Result of(RoundLoop.Result round, String device) {
      return new Result(
          round.trainLoss(),
          round.epochLosses(),
          round.epochs(),
          round.steps(),
          round.trainExamples() + round.validationExamples(),
          round.durationMs(),
          device);
    }
  }

  /**
   * Trains one round as if every example in it were new (a full round).
   *
   * @param cancelled checked between steps; when true the round stops with a {@link
   *     java.util.concurrent.CancellationException}
   */
  Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled);

  /**
   * Trains one round of which {@code newExamples} examples arrived since the last round. A trainer
   * that warm-starts in proportion to what is new ({@code trainer.warmRoundScaling}) uses the
   * count; the others train their full round.
   */
  default Result train(ExampleBuffer.Snapshot data, long newExamples, BooleanSupplier cancelled) {
    return train(data, cancelled);
  }

  /** Stored in the version's metadata; a restarted trainer resumes only the same architecture. */
  String architecture();

  /**
   * Features per holdout example the evaluator hands this model: tabular features, image pixels, 0
   * for text (scored from the text itself). Published as {@code ModelVersion.featureCount}.
   */
  int inputWidth();

  /** Width of the model's own input (metadata.json). */
  int metadataFeatureCount();

  /** Where it trains, e.g. {@code cpu()} or {@code gpu(0)}. */
  String deviceName();

  /** The DJL model to save as the version's parameters, or null when {@link #files} hold it. */
  Model model();

  /** Files of the version beside the parameters (e.g. a text head). */
  default Map<String, ModelStore.FileContent> files() {
    return Map.of();
  }

  /**
   * Parameters of a model that is not a DJL {@link #model()} (a text head and its frozen encoder);
   * -1 when unknown. A DJL model's are counted from its block.
   */
  default long parameterCount() {
    return -1;
  }

  /** The {@code metadata.json} of this model stored as {@code modelId} v{@code version}. */
  default ModelMetadata metadata(
      PipelineSpec spec, String modelId, int version, Instant createdAt) {
    boolean tabular = spec.modality() == PipelineSpec.Modality.TABULAR;
    return new ModelMetadata(
        modelId,
        version,
        architecture(),
        spec.label().classes(),
        tabular ? spec.featureNames() : List.of(),
        metadataFeatureCount(),
        TrainerSpec.MLP.equals(spec.trainer().backboneFor(spec.modality()))
            ? spec.trainer().hiddenUnits()
            : List.of(),
        spec.trainer().seed(),
        createdAt.toString());
  }

  /** Backbone-specific facts of the last round for {@code training.json} (none by default). */
  default Map<String, Object> trainingDetails() {
    return Map.of();
  }

  /**
   * Reports to publish on {@code metrics} with the version this round is stored as, in its
   * transaction (none by default; a selection's ranking under {@code trainer.backbone: auto}).
   */
  default List<EvaluationReport> metricsReports(String modelId, int version, Instant at) {
    return List.of();
  }

  /**
   * Asks the next round to select the backbone again ({@code trainer.backbone: auto}).
   *
   * @return false for a trainer of a fixed backbone, which has nothing to select
   */
  default boolean requestReselection() {
    return false;
  }

  @Override
  void close();
}
