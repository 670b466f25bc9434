package io.streamtune.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamtune.model.MlpClassifier;
import io.streamtune.model.StoredModel;
import io.streamtune.schemas.spec.PipelineSpec.TrainerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Trains the MLP on buffer snapshots, one round at a time, keeping the model (and the Adam state)
 * in memory so each round warm-starts from the previous one.
 *
 * <p>The loss is softmax cross-entropy with balanced class weights (n / (classes * n_c)), so a
 * minority class weighs as much in total as the majority and is not ignored. Adam with the spec's
 * learning rate and L2 weight decay. Reproducible: the initial weights come from the engine seeded
 * with {@code spec.seed}, and the shuffle of round r from {@code seed} and r.
 *
 * <p>Every step's arrays live in a sub-manager closed at the end of the step.
 */
public final class RoundTrainer implements AutoCloseable {

  /** The outcome of one round. */
  public record Result(
      double trainLoss,
      List<Double> epochLosses,
      int epochs,
      int steps,
      int examples,
      long durationMs,
      String device) {}

  private final Model model;
  private final Trainer trainer;
  private final TrainerSpec spec;
  private final int featureCount;
  private final int numClasses;
  private final Device device;
  private final AutoCloseable owner;
  private int roundsTrained;

  private RoundTrainer(
      Model model,
      TrainerSpec spec,
      int featureCount,
      int numClasses,
      Device device,
      AutoCloseable owner) {
    this.model = model;
    this.spec = spec;
    this.featureCount = featureCount;
    this.numClasses = numClasses;
    this.device = device;
    this.owner = owner;
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optDevices(new Device[] {device})
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(spec.learningRate().floatValue()))
                    .optWeightDecays(spec.weightDecay().floatValue())
                    .build());
    this.trainer = model.newTrainer(config);
    // Already-initialised (loaded) parameters are kept; only missing ones are initialised.
    trainer.initialize(new Shape(1, featureCount));
  }

  /** A new model with seeded random weights. */
  public static RoundTrainer create(
      String modelName, int featureCount, int numClasses, TrainerSpec spec, Device device) {
    Model model = Model.newInstance(modelName, device);
    try {
      model.setBlock(MlpClassifier.block(featureCount, spec.hiddenUnits(), numClasses));
      Engine.getInstance().setRandomSeed(spec.seed().intValue());
      return new RoundTrainer(model, spec, featureCount, numClasses, device, model);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Continues training a stored version (after a restart). Takes ownership of {@code stored}: it is
   * closed with this trainer. The caller checks that it matches the spec.
   */
  public static RoundTrainer continueFrom(StoredModel stored, TrainerSpec spec) {
    Model model = stored.model();
    return new RoundTrainer(
        model,
        spec,
        stored.metadata().featureCount(),
        stored.metadata().numClasses(),
        model.getNDManager().getDevice(),
        stored);
  }

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
   * Trains {@code spec.epochs} epochs of shuffled mini-batches on the snapshot.
   *
   * @param cancelled checked before every step; when it turns true the round stops with a {@link
   *     CancellationException} (the parameters are then partly updated)
   */
  public Result train(ExampleBuffer.Snapshot data, BooleanSupplier cancelled) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty buffer");
    }
    if (data.featureCount() != featureCount) {
      throw new IllegalArgumentException(
          "examples have " + data.featureCount() + " features, the model takes " + featureCount);
    }
    long startNanos = System.nanoTime();
    int rowsTotal = data.size();
    int batchSize = spec.batchSize();
    float[] classWeights = balancedClassWeights(data.classCounts());
    Random shuffle = new Random(spec.seed() * 1_000_003L + roundsTrained);
    int[] order = new int[rowsTotal];
    for (int i = 0; i < rowsTotal; i++) {
      order[i] = i;
    }

    List<Double> epochLosses = new ArrayList<>();
    int steps = 0;
    for (int epoch = 0; epoch < spec.epochs(); epoch++) {
      shuffleInPlace(order, shuffle);
      double lossSum = 0;
      for (int start = 0; start < rowsTotal; start += batchSize) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("training round cancelled");
        }
        int rows = Math.min(batchSize, rowsTotal - start);
        float batchLoss = step(data, order, start, rows, classWeights);
        if (!Float.isFinite(batchLoss)) {
          throw new IllegalStateException(
              "training diverged: loss " + batchLoss + " in epoch " + (epoch + 1));
        }
        lossSum += (double) batchLoss * rows;
        steps++;
      }
      epochLosses.add(lossSum / rowsTotal);
    }
    roundsTrained++;
    return new Result(
        epochLosses.get(epochLosses.size() - 1),
        List.copyOf(epochLosses),
        spec.epochs(),
        steps,
        rowsTotal,
        (System.nanoTime() - startNanos) / 1_000_000,
        device.toString());
  }

  private float step(
      ExampleBuffer.Snapshot data, int[] order, int start, int rows, float[] classWeights) {
    float[] inputs = new float[rows * featureCount];
    // One-hot targets scaled by the class weight: the loss is then one dot product per row.
    float[] weightedTargets = new float[rows * numClasses];
    float weightSum = 0;
    for (int r = 0; r < rows; r++) {
      int index = order[start + r];
      System.arraycopy(data.features()[index], 0, inputs, r * featureCount, featureCount);
      int label = data.labels()[index];
      weightedTargets[r * numClasses + label] = classWeights[label];
      weightSum += classWeights[label];
    }
    try (NDManager stepManager = trainer.getManager().newSubManager()) {
      NDArray x = stepManager.create(inputs, new Shape(rows, featureCount));
      NDArray targets = stepManager.create(weightedTargets, new Shape(rows, numClasses));
      float lossValue;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray loss = logits.logSoftmax(1).mul(targets).sum().neg().div(weightSum);
        collector.backward(loss);
        lossValue = loss.getFloat();
      }
      trainer.step();
      return lossValue;
    }
  }

  /** n / (present classes * n_c) for each present class; absent classes get no weight. */
  static float[] balancedClassWeights(long[] counts) {
    long total = 0;
    int present = 0;
    for (long count : counts) {
      total += count;
      present += count > 0 ? 1 : 0;
    }
    float[] weights = new float[counts.length];
    for (int c = 0; c < counts.length; c++) {
      weights[c] = counts[c] == 0 ? 0f : (float) ((double) total / (present * (double) counts[c]));
    }
    return weights;
  }

  private static void shuffleInPlace(int[] values, Random random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
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
