package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.StoredModel;
import io.streamtune.model.training.RoundLoop;
import io.streamtune.model.training.ScheduledLearningRate;
import io.streamtune.model.training.TrainSettings;
import io.streamtune.model.training.WarmRoundPolicy;
import io.streamtune.spec.PipelineSpec;
import io.streamtune.spec.TrainerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Trains the tabular MLP on buffer snapshots, one round at a time, keeping the model (and the
 * optimizer state) in memory so each round warm-starts from the previous one; a warm round trains
 * in proportion to what is new ({@link WarmRoundPolicy}).
 *
 * <p>The round itself is {@link RoundLoop}: softmax cross-entropy with balanced class weights, the
 * spec's optimizer, learning-rate schedule, L2 weight decay and early stopping. Reproducible: the
 * initial weights come from the engine seeded with {@code spec.seed}, and the shuffle of round r
 * from {@code seed} and r.
 */
public final class TabularMlpRoundTrainer implements WarmStartingTrainer {

  /** Backbone {@code mlp}: a stored version continues with its optimizer state rebuilt. */
  static final ModelTrainerFactory KIND =
      ModelTrainerFactory.of(
          setup -> MlpClassifier.architecture(setup.trainer().hiddenUnits()),
          setup ->
              create(
                  setup.modelId(),
                  setup.featureCount(),
                  setup.numClasses(),
                  setup.trainer(),
                  setup.device()),
          (setup, dir) -> continueFrom(setup.store().load(dir, setup.device()), setup.trainer()));

  private final Model model;
  private final Trainer trainer;
  private final TrainerSpec spec;
  private final int featureCount;
  private final int numClasses;
  private final Device device;
  private final AutoCloseable owner;
  private final TrainSettings settings;
  private final ScheduledLearningRate rate;
  private final List<Parameter> parameters;
  private final WarmRounds rounds;
  private int roundsTrained;

  private TabularMlpRoundTrainer(
      Model model,
      TrainerSpec spec,
      int featureCount,
      int numClasses,
      Device device,
      AutoCloseable owner,
      boolean warm) {
    this.model = model;
    this.rounds = new WarmRounds(spec, warm);
    this.spec = spec;
    this.featureCount = featureCount;
    this.numClasses = numClasses;
    this.device = device;
    this.owner = owner;
    this.settings = TrainSettings.from(spec, PipelineSpec.Modality.TABULAR);
    this.rate =
        new ScheduledLearningRate(
            settings.learningRate(), settings.schedule(), settings.warmupFraction());
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optDevices(new Device[] {device})
            .optOptimizer(RoundLoop.optimizer(settings, rate));
    this.trainer = model.newTrainer(config);
    // Already-initialised (loaded) parameters are kept; only missing ones are initialised.
    trainer.initialize(new Shape(1, featureCount));
    if (spec.hiddenUnits().isEmpty()) {
      SoftmaxGradientCheck.skip(trainer);
    }
    this.parameters = new ArrayList<>(model.getBlock().getParameters().values());
  }

  /** A new model with seeded random weights. */
  public static TabularMlpRoundTrainer create(
      String modelName, int featureCount, int numClasses, TrainerSpec spec, Device device) {
    Model model = Model.newInstance(modelName, device);
    try {
      model.setBlock(MlpClassifier.block(featureCount, spec.hiddenUnits(), numClasses));
      Engine.getInstance().setRandomSeed(spec.seed().intValue());
      return new TabularMlpRoundTrainer(
          model, spec, featureCount, numClasses, device, model, false);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Continues training a stored version (after a restart). Takes ownership of {@code stored}: it is
   * closed with this trainer. The caller checks that it matches the spec.
   */
  public static TabularMlpRoundTrainer continueFrom(StoredModel stored, TrainerSpec spec) {
    Model model = stored.model();
    return new TabularMlpRoundTrainer(
        model,
        spec,
        stored.metadata().featureCount(),
        stored.metadata().numClasses(),
        model.getNDManager().getDevice(),
        stored,
        true);
  }

  @Override
  public Model model() {
    return model;
  }

  public Device device() {
    return device;
  }

  public int roundsTrained() {
    return roundsTrained;
  }

  /**
   * Trains one round on the snapshot: shuffled mini-batches with the spec's optimizer, schedule and
   * early stopping ({@link RoundLoop}); the first round runs {@code spec.epochs} epochs, a warm one
   * what {@link WarmRoundPolicy} plans from {@code newExamples}.
   *
   * @param cancelled checked before every step; when it turns true the round stops with a {@link
   *     CancellationException} (the parameters are then partly updated)
   */
  @Override
  public Result train(ExampleBuffer.Snapshot data, long newExamples, BooleanSupplier cancelled) {
    RoundLoop.Result result =
        rounds.run(
            data,
            newExamples,
            plan -> {
              if (data.featureCount() != featureCount) {
                throw new IllegalArgumentException(
                    "examples have "
                        + data.featureCount()
                        + " features, the model takes "
                        + featureCount);
              }
              return RoundLoop.run(
                  trainer,
                  parameters,
                  RoundLoop.Inputs.ofRows(
                      data.features(),
                      data.labels(),
                      (manager, values, rows) ->
                          manager.create(values, new Shape(rows, featureCount))),
                  numClasses,
                  settings,
                  rate,
                  roundsTrained,
                  plan,
                  epoch -> {},
                  cancelled);
            });
    roundsTrained++;
    return Result.of(result, device.toString());
  }

  /** n / (present classes * n_c) for each present class; absent classes get no weight. */
  static float[] balancedClassWeights(long[] counts) {
    return RoundLoop.balancedClassWeights(counts);
  }

  /** The last round's plan (warm or not, new share, step budget, rate, EMA). */
  @Override
  public Map<String, Object> trainingDetails() {
    return rounds.lastRound();
  }

  @Override
  public String architecture() {
    return MlpClassifier.architecture(spec.hiddenUnits());
  }

  @Override
  public int inputWidth() {
    return featureCount;
  }

  @Override
  public int metadataFeatureCount() {
    return featureCount;
  }

  @Override
  public String deviceName() {
    return device.toString();
  }

  @Override
  public void close() {
    trainer.close();
    try {
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close model " + model.getName(), e);
    }
  }
}
