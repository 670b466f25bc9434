package io.streamtune.model.image;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Offline pretraining of the shipped {@link SmallCnn} backbone ({@code streamtune pretrain}) and
 * the one-shot transfer check beside it: trains and scores a SmallCnn from random weights, or from
 * a pretrained backbone (frozen or not). The streaming rounds use {@link ImageClassifierFineTuner}
 * instead. Seeded: the same data, options and seed give the same weights. Every step's arrays live
 * in a sub-manager closed at the end of the step.
 */
public final class SmallCnnPretraining implements AutoCloseable {

  /**
   * @param freezeBackbone train only the head (a linear probe on the backbone's features)
   */
  public record Options(
      int epochs, int batchSize, float learningRate, long seed, boolean freezeBackbone) {}

  private final Model model;
  private final SequentialBlock classifier;
  private final Block backbone;
  private final Trainer trainer;
  private final Options options;

  private SmallCnnPretraining(
      int numClasses, Options options, InputStream pretrainedBackbone, Device device) {
    this.options = options;
    Engine.getInstance().setRandomSeed((int) options.seed());
    this.backbone = SmallCnn.backbone();
    this.classifier = SmallCnn.classifier(backbone, numClasses);
    this.model = Model.newInstance("small-cnn", device);
    model.setBlock(classifier);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optDevices(new Device[] {device})
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(options.learningRate()))
                    .build());
    // Parameters are initialised and loaded before the trainer exists: a trainer caches the arrays
    // it sees, and loading afterwards would leave it computing with the replaced (closed) ones.
    classifier.initialize(model.getNDManager(), DataType.FLOAT32, ImageInput.GREY_28.shape(1));
    if (pretrainedBackbone != null) {
      try {
        backbone.loadParameters(
            model.getNDManager(), new DataInputStream(new BufferedInputStream(pretrainedBackbone)));
      } catch (IOException | ai.djl.MalformedModelException e) {
        model.close();
        throw new IllegalArgumentException(
            "cannot load the pretrained backbone: " + e.getMessage(), e);
      }
    }
    if (options.freezeBackbone()) {
      backbone.freezeParameters(true);
    }
    this.trainer = model.newTrainer(config);
    trainer.initialize(ImageInput.GREY_28.shape(1));
  }

  /** A classifier from random weights. */
  public static SmallCnnPretraining fromScratch(int numClasses, Options options) {
    return new SmallCnnPretraining(numClasses, options, null, Device.cpu());
  }

  /** A classifier whose backbone starts from saved parameters and whose head is new. */
  public static SmallCnnPretraining fromPretrained(
      int numClasses, Options options, InputStream backboneParameters) {
    return new SmallCnnPretraining(numClasses, options, backboneParameters, Device.cpu());
  }

  /**
   * Trains {@code options.epochs} epochs of shuffled mini-batches.
   *
   * @param onEpoch called with the number of each finished epoch (progress)
   * @return the mean loss of each epoch
   */
  public List<Double> train(LabeledImages data, IntConsumer onEpoch) {
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random shuffle = new Random(options.seed());
    List<Double> losses = new ArrayList<>();
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      double sum = 0;
      for (int start = 0; start < n; start += options.batchSize()) {
        int rows = Math.min(options.batchSize(), n - start);
        sum += step(data, order, start, rows) * rows;
      }
      losses.add(sum / n);
      onEpoch.accept(epoch);
    }
    return losses;
  }

  private float step(LabeledImages data, int[] order, int start, int rows) {
    int side = SmallCnn.SIDE * SmallCnn.SIDE;
    float[] inputs = new float[rows * side];
    float[] labels = new float[rows];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(data.pixels()[order[start + r]], 0, inputs, r * side, side);
      labels[r] = data.labels()[order[start + r]];
    }
    try (NDManager step = trainer.getManager().newSubManager()) {
      NDArray x = step.create(inputs, new Shape(rows, 1, SmallCnn.SIDE, SmallCnn.SIDE));
      NDArray y = step.create(labels, new Shape(rows));
      float loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray value = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
        collector.backward(value);
        loss = value.getFloat();
      }
      trainer.step();
      return loss;
    }
  }

  /** Share of images whose arg-max prediction equals the label. */
  public double accuracy(LabeledImages data) {
    int correct = 0;
    int side = SmallCnn.SIDE * SmallCnn.SIDE;
    int batch = 512;
    try (var predictor = model.newPredictor(new NoopTranslator())) {
      for (int start = 0; start < data.size(); start += batch) {
        int rows = Math.min(batch, data.size() - start);
        float[] inputs = new float[rows * side];
        for (int r = 0; r < rows; r++) {
          System.arraycopy(data.pixels()[start + r], 0, inputs, r * side, side);
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
          NDArray x = manager.create(inputs, new Shape(rows, 1, SmallCnn.SIDE, SmallCnn.SIDE));
          long[] predicted =
              predictor.predict(new NDList(x)).singletonOrThrow().argMax(1).toLongArray();
          for (int r = 0; r < rows; r++) {
            correct += predicted[r] == data.labels()[start + r] ? 1 : 0;
          }
        }
      }
    } catch (ai.djl.translate.TranslateException e) {
      throw new IllegalStateException("prediction failed", e);
    }
    return correct / (double) data.size();
  }

  /** Writes the backbone's parameters (what another task fine-tunes from). */
  public void saveBackbone(OutputStream out) {
    try {
      DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
      backbone.saveParameters(data);
      data.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backbone parameters", e);
    }
  }

  /** The backbone's parameter values, flattened in order (to check freezing is bit-exact). */
  public List<float[]> backboneValues() {
    List<float[]> values = new ArrayList<>();
    backbone.getParameters().values().forEach(p -> values.add(p.getArray().toFloatArray()));
    return values;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
